/**
 * The production build of the web app for the tests that run it as a process (in NEXT_DIST_DIR, default `.next`: the one `npm test`
 * builds first), started as `npm start` does (test/web-command.ts) on a free loopback port and an environment the
 * test chooses (services behind a proxy). The build is made again when any source it bundles is newer than it, so
 * a test never runs against code that is no longer there.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { collectLines } from "./faults/worker-process";
import { webArgs, webEnv } from "./web-command";

const root = path.resolve(import.meta.dirname, "..");
const NEXT = path.join(root, "node_modules/next/dist/bin/next");
export const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";

async function newestSource(): Promise<number> {
  let newest = 0;
  for (const dir of ["app", "lib", "db"]) {
    for (const entry of await readdir(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|tsx|css)$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue;
      newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  for (const file of ["next.config.mjs", "package-lock.json"])
    newest = Math.max(newest, (await stat(path.join(root, file))).mtimeMs);
  return newest;
}

/** Builds the web app into DIST_DIR unless a build newer than every source is there. */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<void> {
  const buildId = path.join(root, DIST_DIR, "BUILD_ID");
  if (existsSync(buildId) && (await stat(buildId)).mtimeMs > (await newestSource())) return;
  log(`[web] building into ${DIST_DIR} (sources changed since the last build)`);
  const started = Date.now();
  const child = spawn(process.execPath, [NEXT, "build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr.on("data", (b: Buffer) => output.push(b.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output.join("").slice(-4000)}`);
  log(`[web] built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export type Web = {
  baseUrl: string;
  /** Everything the server wrote, line by line, with when it arrived. */
  lines: { at: number; text: string }[];
  stop: () => Promise<void>;
};

/** The production server over DIST_DIR with the test's environment; resolves once it answers HTTP. */
export async function startWeb(env: Record<string, string>): Promise<Web> {
  const port = await freePort();
  const child = spawn(process.execPath, webArgs(), {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      ...webEnv(port),
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Web["lines"] = [];
  collectLines(child.stdout, lines);
  collectLines(child.stderr, lines);
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the web app exited:\n${lines.map((l) => l.text).join("\n")}`);
    const ok = await fetch(`${baseUrl}/login`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return { baseUrl, lines, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the web app did not answer in 60 s:\n${lines.map((l) => l.text).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
