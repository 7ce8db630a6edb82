/**
 * Fixtures for browser tests: a logger index seeded through the real pipeline (AMQP -> collector -> engine),
 * with lines a reader test can reason about.
 */
import { test as base, expect } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import {
  createTestIndex,
  createTestUser,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
} from "../test/helpers";

export const SEED = {
  count: 660,
  stepMs: 5000,
  xss: "<script>alert(1)</script> user input",
  xssField: "<img src=x onerror=alert(2)>",
  huge: "huge line " + "x".repeat(1_000_000),
};

export type Seeded = { index: LoggerIndex; base: number };

/** The level of the seed's line `i`: every 50th an error, every other 7th a warning, the rest info. */
export function seedLevel(i: number): "error" | "warn" | "info" {
  return i % 50 === 0 ? "error" : i % 7 === 0 ? "warn" : "info";
}

function seedRecords(name: string, base: number): Outgoing[] {
  return Array.from({ length: SEED.count }, (_, i) => {
    let message =
      i % 50 === 0
        ? `payment failed for order ${i}`
        : i % 7 === 0
          ? `slow query took ${i}ms`
          : `request ${i} handled in ${i % 97}ms`;
    const fields: Record<string, unknown> = { requestId: `req-${i}`, n: i };
    if (i === 101) {
      message = SEED.xss;
      fields.note = SEED.xssField;
    }
    if (i === 203) message = SEED.huge;
    if (i === 301)
      message =
        'unhandled error\nTraceback (most recent call last):\n  File "app.py", line 3\nValueError: bad';
    return {
      routingKey: `app.${name}`,
      body: {
        message,
        timestamp: new Date(base + i * SEED.stepMs).toISOString(),
        level: seedLevel(i),
        host: `web-${(i % 3) + 1}`,
        logger: i % 2 === 0 ? "shop.api" : "shop.worker",
        ...fields,
      },
      options: { messageId: `${name}-${i}` },
    };
  });
}

export const test = base.extend<
  { dialogs: string[] },
  { seeded: Seeded; viewer: { cookie: string; username: string; password: string } }
>({
  // Every page in these tests is seen by a signed-in viewer.
  viewer: [async ({}, use) => use(await createTestUser("viewer")), { scope: "worker" }],
  context: async ({ context, viewer, baseURL }, use) => {
    const [name, value] = viewer.cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: baseURL! }]);
    await use(context);
  },
  seeded: [
    async ({}, use) => {
      const index = await createTestIndex({ title: "Shop" });
      const start = Date.now() - SEED.count * SEED.stepMs - 60_000;
      await publish(seedRecords(index.name, start));
      await waitFor("seed indexed", async () => (await engineCount(index.name)) === SEED.count, 60_000);
      await use({ index, base: start });
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
  // Any alert() or confirm() in a page is a test failure unless a test expects one.
  dialogs: async ({ page }, use) => {
    const seen: string[] = [];
    page.on("dialog", (d) => {
      seen.push(d.message());
      void d.dismiss();
    });
    await use(seen);
  },
});

export { expect };
