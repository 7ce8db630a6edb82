/**
 * Live mode in Chromium against the real stack: lines published through RabbitMQ while the page follows show up
 * within a second, newest on top, filtered by the page's query; a reader who scrolled down is not moved.
 */
import type { Page } from "@playwright/test";
import amqp from "amqplib";
import type { LoggerIndex } from "@/db/schema";
import {
  createTestIndex,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
} from "../../test/helpers";
import { expect, test } from "../fixtures";

const rows = (page: Page) => page.getByTestId("log-row");

let n = 0;
function lines(index: string, texts: string[], startMs = Date.now()): Outgoing[] {
  return texts.map((message, i) => ({
    routingKey: `app.${index}`,
    body: { message, timestamp: new Date(startMs + i).toISOString(), host: "web-1", level: "info" },
    options: { messageId: `e2e-live-${index}-${++n}` },
  }));
}

async function seed(index: LoggerIndex, texts: string[]) {
  const before = await engineCount(index.name);
  await publish(lines(index.name, texts, Date.now() - 60_000));
  await waitFor("seed indexed", async () => (await engineCount(index.name)) === before + texts.length);
}

test.describe("live mode", () => {
  test("shows lines published after Live was switched on within a second, newest first, matching the query", async ({
    page,
  }) => {
    const index = await createTestIndex();
    try {
      await seed(index, ["alpha seed 1", "alpha seed 2", "beta seed 3"]);
      await page.goto(`/grep/${index.name}?q=alpha`);
      await expect(rows(page)).toHaveCount(2);
      await page.getByTestId("live-toggle").click();
      await expect(page).toHaveURL(/live=1/);
      await expect(page.getByTestId("live-status")).toHaveText("live");

      const texts = Array.from({ length: 10 }, (_, i) => (i % 2 ? `alpha live ${i}` : `beta live ${i}`));
      const shown = page.waitForFunction(
        () => document.querySelector('[data-testid="log-row"]')?.textContent?.includes("alpha live 9"),
        undefined,
        { polling: "raf" },
      );
      // On a connection opened beforehand, so that the time measured is the pipeline's, not a client's connect.
      const conn = await amqp.connect(process.env.AMQP_URL!);
      const ch = await conn.createConfirmChannel();
      const published = Date.now();
      for (const m of lines(index.name, texts))
        ch.publish(process.env.AMQP_EXCHANGE!, m.routingKey, Buffer.from(JSON.stringify(m.body)), m.options);
      await ch.waitForConfirms();
      await conn.close();
      await shown;
      expect(Date.now() - published).toBeLessThan(1000);
      await expect(rows(page).locator(".msg")).toHaveText([
        "alpha live 9",
        "alpha live 7",
        "alpha live 5",
        "alpha live 3",
        "alpha live 1",
        "alpha seed 2",
        "alpha seed 1",
      ]);
      await expect(rows(page).first().locator("mark")).toHaveText(["alpha"]);

      // Off, the newest lines are loaded as a page; F turns it back on.
      await page.getByTestId("live-toggle").click();
      await expect(page).not.toHaveURL(/live=1/);
      await expect(rows(page)).toHaveCount(7);
      await page.keyboard.press("F");
      await expect(page).toHaveURL(/live=1/);
      await expect(page.getByTestId("live-status")).toHaveText("live");
    } finally {
      await dropTestIndex(index);
    }
  });

  test("stays still with a badge counting new lines while scrolled down; F jumps to the top and follows", async ({
    page,
  }) => {
    const index = await createTestIndex();
    try {
      await seed(
        index,
        Array.from({ length: 150 }, (_, i) => `old line ${i}`),
      );
      await page.goto(`/grep/${index.name}?live=1`);
      await expect(page.getByTestId("live-status")).toHaveText("live");
      await expect(rows(page).first()).toContainText("old line 149");

      const list = page.getByTestId("log-list");
      await list.evaluate((el) => (el.scrollTop = 600));
      const topRow = async () =>
        list.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const hit = document.elementFromPoint(box.left + 200, box.top + 5);
          return hit?.closest('[data-testid="log-row"]')?.getAttribute("data-id") ?? null;
        });
      const before = await topRow();
      expect(before).not.toBeNull();

      await publish(
        lines(
          index.name,
          Array.from({ length: 5 }, (_, i) => `new line ${i}`),
        ),
      );
      await expect(page.getByTestId("live-new-lines")).toHaveText("↑ 5 new lines");
      expect(await topRow()).toBe(before);
      expect(await list.evaluate((el) => el.scrollTop)).toBe(600);
      await expect(page.getByText("new line 4")).toHaveCount(0);

      await page.keyboard.press("F");
      await expect(page.getByTestId("live-new-lines")).toHaveCount(0);
      await expect(rows(page).first()).toContainText("new line 4");
      await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeLessThan(40);

      // Following again: the next lines appear on top without a badge.
      await publish(lines(index.name, ["newer line"]));
      await expect(rows(page).first()).toContainText("newer line");
      await expect(page.getByTestId("live-new-lines")).toHaveCount(0);
    } finally {
      await dropTestIndex(index);
    }
  });
});
