/**
 * The real stack for browser tests: an isolated stack (test/stack.ts), the collector process, and the production
 * build of the web app on a free port. Test workers inherit the environment set here. ALCO_E2E_NEXT_DEV=1 runs
 * the web app on `next dev` instead (as `npm run dev:next` does), for the specs that must hold there too.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { buildWorkers, collectorArgs } from "../test/collector-command";
import { startStack } from "../test/stack";
import { webArgs, webEnv } from "../test/web-command";

const root = path.resolve(import.meta.dirname, "..");

function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(args[0]!, args.slice(1), { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on(
    "data",
    (b: Buffer) => process.env.E2E_VERBOSE && process.stdout.write(`[${name}] ${b.toString()}`),
  );
  child.stderr.on("data", (b: Buffer) => process.stderr.write(`[${name}] ${b.toString()}`));
  return child;
}

async function waitForHttp(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.status < 500,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms`);
}

export default async function globalSetup() {
  const nextDev = process.env.ALCO_E2E_NEXT_DEV === "1";
  if (!nextDev && !existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID"))) {
    const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
    });
    if (build.status !== 0) throw new Error("next build failed");
  }
  buildWorkers();
  const { env: stackEnv, stop } = await startStack("e2e");
  const port = await freePort();
  const env = {
    ...process.env,
    ...stackEnv,
    METRICS_PORT: "0",
    INDEX_REFRESH_MS: "300",
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    // e2e/api/sign-in.spec.ts connects from 127.0.0.2 as "the proxy", and from 127.0.0.1 as a client.
    TRUSTED_PROXIES: "127.0.0.2",
  };
  const collector = start("collector", [process.execPath, ...collectorArgs()], env);
  const web = start(
    "web",
    nextDev
      ? [process.execPath, "--import", "tsx", "workers/web.ts", "--dev"]
      : [process.execPath, ...webArgs()],
    { ...env, ...webEnv(port), ...(nextDev && { NODE_ENV: "development" as const }) },
  );
  const baseURL = `http://127.0.0.1:${port}`;
  // `next dev` compiles a page on its first request.
  await waitForHttp(`${baseURL}/`, nextDev ? 180_000 : 60_000);
  Object.assign(process.env, stackEnv, { ALCO_E2E_BASE_URL: baseURL });

  return async () => {
    for (const c of [web, collector]) {
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      c.kill("SIGKILL");
    }
    await stop();
  };
}
