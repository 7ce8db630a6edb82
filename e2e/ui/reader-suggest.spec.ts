/**
 * The query box's help, in Chromium against the real stack: field names offered for a word being typed, a
 * field's values (tracked by the collector, most frequent first) after `field:`, taken with the keyboard and
 * quoted where the query needs it; the user's past queries offered when the box is empty, kept across a reload
 * and for that user only; Escape closing the list without touching the page, and Enter searching as before.
 */
import type { Page } from "@playwright/test";
import { Redis } from "ioredis";
import type { LoggerIndex } from "@/db/schema";
import { valuesKey } from "@/lib/collector/field-values";
import { listColumns } from "@/lib/indexes/logger-indexes";
import {
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
} from "../../test/helpers";
import { expect, test as base } from "../fixtures";

/** logger: checkout 30, billing api 20, cart 10; every other message holds the word "log". */
const LOGGERS = (i: number) => (i < 30 ? "checkout" : i < 50 ? "billing api" : "cart");
const LINES = 60;

const test = base.extend<object, { shop: LoggerIndex }>({
  shop: [
    async ({}, use) => {
      const index = await createTestIndex({ title: "Suggest" });
      const newest = Date.now() - 120_000;
      await publish(
        Array.from({ length: LINES }, (_, i) => ({
          routingKey: `app.${index.name}`,
          body: {
            message: i % 2 === 0 ? `log line ${i}` : `order ${i} placed`,
            time: newest - i * 1000,
            level: i % 3 === 0 ? "warn" : "info",
            host: `web-${(i % 2) + 1}`,
            logger: LOGGERS(i),
          },
          options: { messageId: `${index.name}-${i}` },
        })),
      );
      await waitFor("suggest lines indexed", async () => (await engineCount(index.name)) === LINES, 60_000);
      // The collector tracks a batch's values after writing its lines: the lines alone may be searchable first.
      const redis = new Redis(process.env.REDIS_URL!);
      try {
        const key = valuesKey(process.env.REDIS_PREFIX!, index.name, "logger");
        await waitFor("logger values tracked", async () => (await redis.zcard(key)) === 3);
      } finally {
        redis.disconnect();
      }
      // The fields offered are the columns the collector registers in the background, level, logger and host.
      await waitFor(
        "columns registered",
        async () => (await listColumns(db(), index.name)).filter((c) => c.filtered).length === 3,
      );
      await use(index);
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
});

const rows = (page: Page) => page.getByTestId("log-row");
const search = (page: Page) => page.getByLabel("search", { exact: true });
const summary = (page: Page) => page.getByTestId("summary");
/** The box's options (the time range's <select> has options of its own). */
const box = (page: Page) => page.getByRole("search");
const options = (page: Page) => box(page).getByRole("option");
const queryOf = (page: Page) => new URL(page.url()).searchParams.get("q");

async function open(page: Page, name: string, query = "") {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
}

/** The option the box has picked, as the combobox tells assistive technology. */
async function expectPicked(page: Page, text: RegExp) {
  const picked = box(page).getByRole("option", { selected: true });
  await expect(picked).toHaveText(text);
  await expect(search(page)).toHaveAttribute("aria-activedescendant", (await picked.getAttribute("id"))!);
}

test.describe("query box suggestions", () => {
  test("offers field names for a word, then the field's values by frequency, and writes the picked one quoted", async ({
    page,
    shop,
  }) => {
    await open(page, shop.name);
    await search(page).click();
    await page.keyboard.type("l");
    const list = box(page).getByRole("listbox", { name: "suggestions" });
    await expect(list).toBeVisible();
    await expect(search(page)).toHaveAttribute("role", "combobox");
    await expect(search(page)).toHaveAttribute("aria-expanded", "true");
    await expect(search(page)).toHaveAttribute("aria-controls", (await list.getAttribute("id"))!);
    await expect(options(page)).toHaveText(["level:", "logger:"]);

    await page.keyboard.press("ArrowDown");
    await expectPicked(page, /^level:$/);
    await page.keyboard.press("ArrowDown");
    await expectPicked(page, /^logger:$/);
    await page.keyboard.press("Enter");
    await expect(search(page)).toHaveValue("logger:");
    // Taking a suggestion is not a search.
    expect(queryOf(page)).toBeNull();

    await expect(options(page)).toHaveText(["checkout 30", "billing api 20", "cart 10"]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expectPicked(page, /^billing api 20$/);
    await page.keyboard.press("Tab");
    await expect(search(page)).toHaveValue('logger:"billing api" ');
    await expect(search(page)).toBeFocused();
    await expect(list).toBeHidden();

    await page.keyboard.press("Enter");
    await expect.poll(() => queryOf(page)).toBe('logger:"billing api"');
    await expect(summary(page)).toContainText("20 matching lines");
    await expect
      .poll(async () => [...new Set(await rows(page).locator('[data-column="logger"]').allTextContents())])
      .toEqual(["billing api"]);
  });

  test("narrows a field's values by what follows the colon, beside other terms, and takes one with Enter", async ({
    page,
    shop,
  }) => {
    await open(page, shop.name);
    await search(page).fill("order -logger:C");
    await expect(options(page)).toHaveText(["checkout 30", "cart 10"]);
    await page.keyboard.press("ArrowUp");
    await expectPicked(page, /^cart 10$/);
    await page.keyboard.press("Enter");
    await expect(search(page)).toHaveValue("order -logger:cart ");
    await page.keyboard.press("Enter");
    await expect.poll(() => queryOf(page)).toBe("order -logger:cart");
    // Odd lines say "order"; those of cart (50–59) are left out.
    await expect(summary(page)).toContainText("25 matching lines");
  });

  test("offers the user's past queries, newest first, after a reload, and runs one again", async ({
    page,
    shop,
  }) => {
    await open(page, shop.name);
    for (const q of ["log", "logger:cart", "order"]) {
      await search(page).fill(q);
      await search(page).press("Enter");
      await expect.poll(() => queryOf(page)).toBe(q);
    }
    await page.reload();
    await expect(rows(page).first()).toBeVisible();
    await expect(search(page)).toHaveValue("order");
    await search(page).fill("");
    await expect(box(page).getByRole("listbox", { name: "recent searches" })).toBeVisible();
    await expect(options(page)).toHaveText(["order", "logger:cart", "log"]);

    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    await expectPicked(page, /^logger:cart$/);
    await page.keyboard.press("Enter");
    await expect.poll(() => queryOf(page)).toBe("logger:cart");
    await expect(search(page)).toHaveValue("logger:cart");
    await expect(summary(page)).toContainText("10 matching lines");

    // Emptied again, the box offers them once each, the one just run on top; ArrowDown opens a closed list.
    await search(page).fill("");
    await expect(options(page)).toHaveText(["logger:cart", "order", "log"]);
    await page.keyboard.press("Escape");
    await expect(options(page)).toHaveCount(0);
    await page.keyboard.press("ArrowDown");
    await expectPicked(page, /^logger:cart$/);
  });

  test("keeps each user's history apart in one browser", async ({ page, shop, context, baseURL }) => {
    await open(page, shop.name);
    await search(page).fill("order");
    await search(page).press("Enter");
    await expect.poll(() => queryOf(page)).toBe("order");
    await search(page).fill("");
    await expect(options(page)).toHaveText(["order"]);

    const other = await createTestUser("viewer");
    const [name, value] = other.cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: baseURL! }]);
    await open(page, shop.name);
    await expect(page.getByTestId("user-bar")).toContainText(other.username);
    await search(page).focus();
    await expect(box(page).getByRole("listbox", { name: "recent searches" })).toBeHidden();
    await expect(options(page)).toHaveCount(0);
  });

  test("Escape closes the list and leaves the page's open lines alone; Enter with nothing picked searches", async ({
    page,
    shop,
  }) => {
    await open(page, shop.name);
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await expect(page.locator(".details")).toHaveCount(1);
    await expect(page).toHaveURL(/focus=/);
    const url = page.url();

    await page.keyboard.press("/");
    await expect(search(page)).toBeFocused();
    // A key the page takes (j: next line) is text here.
    await page.keyboard.type("j");
    await expect(search(page)).toHaveValue("j");
    await page.keyboard.press("Backspace");
    await page.keyboard.type("log");
    await expect(options(page)).toHaveText(["logger:"]);
    await page.keyboard.press("Escape");
    await expect(options(page)).toHaveCount(0);
    await expect(search(page)).toBeFocused();
    await expect(search(page)).toHaveAttribute("aria-expanded", "false");
    await expect(page.locator(".details")).toHaveCount(1);
    expect(page.url()).toBe(url);

    await page.keyboard.press("Backspace");
    await page.keyboard.type("g");
    await expect(options(page)).toHaveText(["logger:"]);
    await expect(box(page).getByRole("option", { selected: true })).toHaveCount(0);
    await page.keyboard.press("Enter");
    await expect.poll(() => queryOf(page)).toBe("log");
    await expect(summary(page)).toContainText("30 matching lines");
    await expect(options(page)).toHaveCount(0);
  });
});
