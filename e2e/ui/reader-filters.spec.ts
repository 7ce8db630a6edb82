/**
 * The reader's filters and how a record is shown, in Chromium against the real stack: active filters as chips to
 * remove one by one or all at once, values left out from a facet or from a record's fields, a bad query's error
 * where the counts would be, rows whose message starts at one x under a header naming the columns, and a stack
 * trace in a field shown with its line breaks.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { listColumns } from "@/lib/indexes/logger-indexes";
import { createTestIndex, db, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { SEED, expect, test } from "../fixtures";

const rows = (page: Page) => page.getByTestId("log-row");
const search = (page: Page) => page.getByLabel("search", { exact: true });
const summary = (page: Page) => page.getByTestId("summary");
const chips = (page: Page) => page.getByTestId("filter-chip");

async function open(page: Page, name: string, query = "") {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
}

/** One cell of every row in the DOM (the list renders the rows in view and some around them). */
function shown(page: Page, cell: string): Promise<string[]> {
  return rows(page)
    .locator(cell)
    .evaluateAll((els) => els.map((e) => e.textContent ?? ""));
}
const shownHosts = (page: Page) => shown(page, '[data-column="host"]');

/** Opens a row's details, unless they are open already (a row stays open across a change of filters). */
async function expand(row: ReturnType<typeof rows>) {
  if ((await row.locator(".details").count()) === 0) await row.dblclick();
  await expect(row.locator(".details")).toBeVisible();
}

const TRACEBACK = [
  "Traceback (most recent call last):",
  '  File "/srv/app/billing.py", line 42, in charge',
  "    gateway.capture(order)",
  '  File "/srv/app/gateway.py", line 7, in capture',
  '    raise TimeoutError("gateway did not answer")',
  "TimeoutError: gateway did not answer",
].join("\n");

/** Oldest first; hosts, loggers and levels of different lengths, so a row laid out by its content would show it. */
const RECORDS: Record<string, unknown>[] = [
  { message: "job started", level: "info", host: "db", logger: "a" },
  {
    message: "charge failed",
    level: "error",
    host: "frontend-eu-west-1",
    logger: "payments.reconcile",
    exc_info: TRACEBACK,
    http: { status: 502, path: "/charge" },
  },
  { message: "retrying", level: "warn", host: "db", logger: "payments.reconcile" },
  { message: "cache cold", level: "debug", host: "cache-7", logger: "a" },
  { message: "no level given", host: "frontend-eu-west-1", logger: "a" },
];

test.describe("filter chips and excluded values", () => {
  test("shows each filter as a chip, excluded ones marked; removes one, then clears all", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name, "?filter=host:web-1&filter=-level:error");
    // web-1 holds every third line; five of them (every 150th) are errors.
    await expect(summary(page)).toContainText("215 matching lines");
    await expect(chips(page)).toHaveText(["host:web-1×", "not level:error×"]);
    await expect(chips(page).nth(0)).toHaveAttribute("data-excluded", "false");
    await expect(chips(page).nth(1)).toHaveAttribute("data-excluded", "true");

    await page.getByRole("button", { name: "remove filter host:web-1" }).click();
    await expect(page).not.toHaveURL(/host/);
    await expect(page).toHaveURL(/filter=-level%3Aerror/);
    await expect(chips(page)).toHaveText(["not level:error×"]);
    await expect(summary(page)).toContainText(`${SEED.count - 14} matching lines`);
    await expect.poll(() => shown(page, ".level")).not.toContain("error");
    expect(new Set(await shown(page, ".level"))).toEqual(new Set(["info", "warn"]));

    await page.getByRole("button", { name: "clear all" }).click();
    await expect(page).not.toHaveURL(/filter=/);
    await expect(chips(page)).toHaveCount(0);
    await expect(summary(page)).toContainText(`${SEED.count} matching lines`);
  });

  test("excludes a value from its facet: the count drops and no line of it is left", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name);
    await expect(summary(page)).toContainText(`${SEED.count} matching lines`);
    const web1 = page
      .getByTestId("facet-host")
      .getByRole("listitem")
      .filter({ hasText: /^web-1/ });
    await web1.getByRole("button", { name: "exclude host:web-1" }).click();
    await expect(page).toHaveURL(/filter=-host%3Aweb-1/);
    await expect(summary(page)).toContainText("440 matching lines");
    await expect(web1).toHaveAttribute("data-excluded", "true");
    await expect(chips(page)).toHaveText(["not host:web-1×"]);
    await expect.poll(() => shownHosts(page)).not.toContain("web-1");
    expect(new Set(await shownHosts(page))).toEqual(new Set(["web-2", "web-3"]));

    // Every line of the result, not only the rows in view: the export of the same view.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export NDJSON" }).click();
    const lines = (await readFile(await (await download).path(), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { host: string });
    expect(lines).toHaveLength(440);
    expect(lines.filter((l) => l.host === "web-1")).toEqual([]);

    // The same button brings the value back.
    await web1.getByRole("button", { name: "exclude host:web-1" }).click();
    await expect(page).not.toHaveURL(/filter=/);
    await expect(summary(page)).toContainText(`${SEED.count} matching lines`);
  });

  test("filters for and out a value from a record's fields", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    // The newest line, 659: web-3, shop.worker.
    const newest = rows(page).first();
    await expand(newest);
    await newest.getByRole("button", { name: "filter for host:web-3" }).click();
    await expect(page).toHaveURL(/filter=host%3Aweb-3/);
    await expect(summary(page)).toContainText("220 matching lines");
    expect(new Set(await shownHosts(page))).toEqual(new Set(["web-3"]));

    const first = rows(page).first();
    await expand(first);
    await first.getByRole("button", { name: "filter out logger:shop.worker" }).click();
    await expect(page).toHaveURL(/filter=host%3Aweb-3&filter=-logger%3Ashop.worker/);
    await expect(summary(page)).toContainText("110 matching lines");
    expect(new Set(await shown(page, '[data-column="logger"]'))).toEqual(new Set(["shop.api"]));
    await expect(chips(page)).toHaveText(["host:web-3×", "not logger:shop.worker×"]);

    // A field that is no column is filtered in the record's JSON: web-3 and shop.api, newest first, is line 656.
    const row = rows(page).first();
    await expand(row);
    await row.getByRole("button", { name: "filter for requestId:req-656" }).click();
    await expect(summary(page)).toContainText("1 matching lines");
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText("request 656 handled");
  });
});

test.describe("a bad query", () => {
  test("shows its error in the facets and the histogram, not their counts for the question before", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name);
    await expect(page.getByTestId("facet-host")).toBeVisible();
    await expect(page.getByTestId("histogram").locator("canvas")).toBeVisible();
    await search(page).fill('"unterminated');
    await search(page).press("Enter");
    await expect(page.getByTestId("query-error")).toContainText("unterminated quote");
    await expect(page.locator(".facets")).toContainText("unterminated quote");
    await expect(page.getByText("loading fields…")).toHaveCount(0);
    await expect(page.getByTestId("facet-host")).toHaveCount(0);
    await expect(page.getByTestId("histogram-error")).toContainText("unterminated quote");
    await expect(page.getByTestId("histogram").locator("canvas")).toBeHidden();
    await expect(summary(page)).not.toContainText("matching lines");
  });

  test("says it is counting while a new question is answered, not the previous count", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name);
    await expect(summary(page)).toContainText(`${SEED.count} matching lines`);
    // The new question's count is held back until the page has been looked at.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/histogram\?.*q=slow/, async (route) => {
      await held;
      await route.continue();
    });
    await search(page).fill("slow");
    await search(page).press("Enter");
    await expect(page.getByTestId("counting")).toBeVisible();
    await expect(summary(page)).not.toContainText("matching lines");
    release();
    await expect(page.getByTestId("counting")).toHaveCount(0);
    await expect(summary(page)).toContainText(/\d+ matching lines/);
    await expect(summary(page)).not.toContainText(`${SEED.count} matching lines`);
  });
});

test.describe("how records are shown", () => {
  let index: LoggerIndex;
  const base = Date.now() - 10 * 60_000;

  test.beforeAll(async () => {
    index = await createTestIndex({ title: "Billing" });
    await publish(
      RECORDS.map((body, i) => ({
        routingKey: `app.${index.name}`,
        body: { ...body, timestamp: new Date(base + i * 1000).toISOString() },
        options: { messageId: `${index.name}-${i}` },
      })),
    );
    await waitFor("records stored", async () => (await engineCount(index.name)) === RECORDS.length);
    // The page reads its display columns once per load: wait until the collector has registered them.
    await waitFor("display columns registered", async () => {
      const cols = await listColumns(db());
      return cols.filter((c) => c.indexName === index.name && c.display).length === 2;
    });
  });

  test.afterAll(async () => {
    if (index) await dropTestIndex(index);
  });

  test("starts the message at the same x on every row, under a header naming the columns", async ({
    page,
  }) => {
    await open(page, index.name);
    await expect(rows(page)).toHaveCount(RECORDS.length);
    const header = page.getByTestId("log-header");
    await expect(header.locator("span:not(.cols)")).toHaveText([
      "time",
      "level",
      "host",
      "logger",
      "message",
    ]);
    const xs = async (selector: string) =>
      [header, ...(await rows(page).all())].map(async (r) => (await r.locator(selector).boundingBox())!.x);
    for (const cell of [".msg", '[data-column="host"]', '[data-column="logger"]', ".level"]) {
      const at = await Promise.all(await xs(cell));
      expect(new Set(at), `${cell} at ${at.join(", ")}`).toEqual(new Set([at[0]]));
    }
    // The longest host is shown whole, not cut to fit.
    const cut = await rows(page)
      .locator('[data-column="host"]')
      .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
    expect(cut).toEqual([]);
  });

  test("shows a traceback in a field with its line breaks, objects as JSON, one copy button per value", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await open(page, index.name);
    const row = rows(page).filter({ hasText: "charge failed" });
    await expand(row);
    const exc = row.locator('[data-testid="detail-field"][data-field="exc_info"]');
    const value = exc.locator(".value");
    // innerText is the text as laid out: real line breaks, not the two characters `\n`.
    expect(await value.evaluate((e) => (e as HTMLElement).innerText)).toBe(TRACEBACK);
    const height = (await value.boundingBox())!.height;
    const lineHeight = await value.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    expect(height).toBeGreaterThanOrEqual(lineHeight * TRACEBACK.split("\n").length);

    await exc.getByRole("button", { name: "copy exc_info" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(TRACEBACK);

    const http = row.locator('[data-field="http"] .value');
    expect(await http.evaluate((e) => (e as HTMLElement).innerText)).toBe(
      JSON.stringify({ status: 502, path: "/charge" }, null, 2),
    );
    // One copy button per shown value, none for the parts of an object.
    const fields = row.getByTestId("detail-field");
    const names = await fields.evaluateAll((els) => els.map((e) => e.getAttribute("data-field")));
    expect(names).toEqual(["time", "level", "logger", "host", "message", "exc_info", "http"]);
    await expect(row.locator(".details").getByRole("button", { name: /^copy / })).toHaveCount(names.length);
    for (const f of await fields.all())
      await expect(f.getByRole("button", { name: /^copy / })).toHaveCount(1);
  });
});
