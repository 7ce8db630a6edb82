/**
 * The real stack for browser benchmarks: the server stack (bench/server-stack.ts) and Debian's Chromium signed in
 * as a viewer.
 */
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import type { StackEnv } from "../test/stack";
import { startServerStack } from "./server-stack";

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
  const server = await startServerStack(indexName);
  const { helpers, base } = server;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const viewer = await helpers.createTestUser("viewer");
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = viewer.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: base }]);
  return {
    env: server.env,
    index: server.index,
    base,
    browser,
    context,
    helpers,
    stop: async () => {
      await browser.close();
      await server.stop();
    },
  };
}
