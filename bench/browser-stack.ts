/**
 * The real stack for browser benchmarks: an isolated stack (test/stack.ts) with one logger index, the collector
 * process, the production build served by `next start`, and Debian's Chromium signed in as a viewer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { startStack, type StackEnv } from "../test/stack";

const root = path.resolve(import.meta.dirname, "..");

export type BrowserStack = {
  env: StackEnv;
  index: { name: string; queueName: string };
  base: string;
  browser: Browser;
  /** Carries a viewer's session cookie. */
  context: BrowserContext;
  helpers: typeof import("../test/helpers");
  stop: () => Promise<void>;
};

export async function startBrowserStack(indexName: string): Promise<BrowserStack> {
  if (!existsSync(path.join(root, ".next/BUILD_ID"))) throw new Error("run `npx next build` first");
  const { env, stop: stopStack } = await startStack("bench");
  // The test helpers read the stack's addresses from the environment.
  Object.assign(process.env, env);
  const helpers = await import("../test/helpers");
  const index = await helpers.createTestIndex({ name: indexName, retentionDays: 2 });
  const childEnv = { ...process.env, ...env, METRICS_PORT: "0", NEXT_TELEMETRY_DISABLED: "1" };
  const port = await freePort();
  const children: ChildProcess[] = [
    spawn(process.execPath, ["--import", "tsx", "workers/collector.ts"], {
      cwd: root,
      env: childEnv,
      stdio: "ignore",
    }),
    spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        cwd: root,
        env: childEnv,
        stdio: "ignore",
      },
    ),
  ];
  const base = `http://127.0.0.1:${port}`;
  await helpers.waitFor(
    "web up",
    () =>
      fetch(`${base}/login`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
  );
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const viewer = await helpers.createTestUser("viewer");
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = viewer.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  return {
    env,
    index,
    base,
    browser,
    context,
    helpers,
    stop: async () => {
      await browser.close();
      for (const c of children) c.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 1000));
      await helpers.dropTestIndex(index);
      await stopStack();
    },
  };
}
