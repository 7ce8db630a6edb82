/**
 * The order of lines in the reader: a burst of 300 lines stamped with one second, as an access log writes them,
 * reads in the order it was published, newest first, scrolling down, back up, and up from the oldest line.
 * A page is 200 lines, so every way crosses a page boundary inside the one second.
 */
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { expect, test as base } from "../fixtures";

const BURST = 300;

const test = base.extend<object, { burst: LoggerIndex }>({
  burst: [
    async ({}, use) => {
      const index = await createTestIndex({ title: "Burst" });
      const second = new Date(Math.floor((Date.now() - 120_000) / 1000) * 1000).toISOString();
      // One channel, in order, as one process writes them; whole seconds, as CLF and syslog stamp lines.
      await publish(
        Array.from({ length: BURST }, (_, n) => ({
          routingKey: `app.${index.name}`,
          body: { message: `burst line ${n}`, timestamp: second, level: "info", host: "web-1", n },
          options: { messageId: `${index.name}-${n}` },
        })),
      );
      await waitFor("burst indexed", async () => (await engineCount(index.name)) === BURST, 60_000);
      await use(index);
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
});

const rows = (page: Page) => page.getByTestId("log-row");

/** The numbers of the lines in the DOM, top to bottom (only those around the view are rendered). */
function shownNumbers(page: Page): Promise<number[]> {
  return rows(page)
    .locator(".msg")
    .evaluateAll((els) => els.map((e) => Number(/^burst line (\d+)$/.exec(e.textContent ?? "")?.[1])));
}

/**
 * Scrolls the list by `step` px until `done`, reading the rendered lines at every step. Each reading must be a
 * run of consecutive numbers going down (newest first); returns those that are not, and every number seen.
 */
async function scrollReading(page: Page, step: number, done: () => Promise<boolean>) {
  const list = page.getByTestId("log-list");
  const broken: string[] = [];
  const seen = new Set<number>();
  const read = async () => {
    const ns = await shownNumbers(page);
    ns.forEach((n) => seen.add(n));
    if (ns.some((n, i) => i > 0 && n !== ns[i - 1]! - 1)) broken.push(ns.join(" "));
  };
  // Steps smaller than the rows rendered around the view, so that no row passes unread.
  for (let i = 0; i < 100 && !(await done()); i++) {
    await read();
    await list.evaluate((el, by) => el.scrollBy(0, by), step);
    await page.waitForTimeout(50);
  }
  await read();
  return { broken: broken.slice(0, 3), seen: seen.size };
}

const atTop = (page: Page) => async () =>
  (await page.getByTestId("log-list").evaluate((el) => el.scrollTop === 0)) &&
  (await rows(page).first().locator(".msg").textContent()) === `burst line ${BURST - 1}`;

test.describe("order of lines", () => {
  test("reads a same-second burst in the order it was written, down, back up, and up from the oldest", async ({
    page,
    burst,
  }) => {
    await page.goto(`/grep/${burst.name}`);
    await expect(page.getByTestId("summary")).toContainText(`${BURST} matching lines`);
    await expect(rows(page).first().locator(".msg")).toHaveText(`burst line ${BURST - 1}`);

    const end = page.getByText("oldest line in this range");
    const down = await scrollReading(page, 400, () => end.isVisible());
    expect(down).toEqual({ broken: [], seen: BURST });
    await expect(rows(page).last().locator(".msg")).toHaveText("burst line 0");

    const back = await scrollReading(page, -400, atTop(page));
    expect(back).toEqual({ broken: [], seen: BURST });

    // `G`: the oldest lines first, at the bottom; newer pages load above while scrolling up.
    await page.goto(`/grep/${burst.name}?start=oldest`);
    await expect(rows(page).last().locator(".msg")).toHaveText("burst line 0");
    await expect(rows(page).last()).toBeInViewport();
    const up = await scrollReading(page, -400, atTop(page));
    expect(up).toEqual({ broken: [], seen: BURST });
  });
});
