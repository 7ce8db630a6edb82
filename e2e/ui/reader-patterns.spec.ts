/**
 * The reader's Patterns view in Chromium against the real stack: a corpus of three known templates shows them
 * with their counts; clicking one reads only its lines, ctrl-click leaves them out, and the URL of the view (and
 * each template's link) opens the same view again.
 */
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { expect, test } from "../fixtures";

const LOGIN = "user <_> logged in from <_>";
const DISK = "disk <_> is <_>% full";
const JOB = "job <_> failed";

const TRACEBACK = (i: number) =>
  [
    "Traceback (most recent call last):",
    `  File "/srv/jobs/run.py", line ${10 + i}, in load_config`,
    "    return cfg['key']",
    "KeyError: 'key'",
  ].join("\n");

/** Oldest first: 30 logins, 12 disk warnings, 5 failed jobs with their traceback in a field. */
const RECORDS: Record<string, unknown>[] = [
  ...Array.from({ length: 30 }, (_, i) => ({
    message: `user ${100 + i} logged in from 10.0.0.${i}`,
    level: "info",
  })),
  ...Array.from({ length: 12 }, (_, i) => ({
    message: `disk /dev/sda${i % 3} is ${90 + (i % 9)}% full`,
    level: "warn",
  })),
  ...Array.from({ length: 5 }, (_, i) => ({
    message: `job ${i * 7} failed`,
    level: "error",
    exc_info: TRACEBACK(i),
  })),
];

const rows = (page: Page) => page.getByTestId("log-row");
const patterns = (page: Page) => page.getByTestId("pattern");
const pattern = (page: Page, template: string) =>
  patterns(page).filter({ has: page.locator(".template", { hasText: template }) });
const summary = (page: Page) => page.getByTestId("summary");

function shownMessages(page: Page): Promise<string[]> {
  return rows(page)
    .locator(".msg")
    .evaluateAll((els) => els.map((e) => e.textContent ?? ""));
}

test.describe("patterns view", () => {
  let index: LoggerIndex;
  const base = Date.now() - 20 * 60_000;

  test.beforeAll(async () => {
    index = await createTestIndex({ title: "Jobs" });
    await publish(
      RECORDS.map((body, i) => ({
        routingKey: `app.${index.name}`,
        body: { ...body, host: "web-1", timestamp: new Date(base + i * 10_000).toISOString() },
        options: { messageId: `${index.name}-${i}` },
      })),
    );
    await waitFor("records stored", async () => (await engineCount(index.name)) === RECORDS.length);
  });

  test.afterAll(async () => {
    if (index) await dropTestIndex(index);
  });

  test("shows the corpus's templates with their counts, opened by p", async ({ page }) => {
    await page.goto(`/grep/${index.name}`);
    await expect(rows(page).first()).toBeVisible();
    await page.keyboard.press("p");
    await expect(page).toHaveURL(/view=patterns/);
    await expect(patterns(page)).toHaveCount(3);
    await expect(page.getByTestId("patterns-summary")).toContainText(`sample of ${RECORDS.length}`);
    const counts = await patterns(page).evaluateAll((els) =>
      els.map((e) => [
        e.querySelector(".template")?.textContent,
        e.querySelector("[data-testid=pattern-count]")?.textContent,
      ]),
    );
    expect(counts).toEqual([
      [LOGIN, "30"],
      [DISK, "12"],
      [JOB, "5"],
    ]);
    await expect(pattern(page, JOB)).toContainText("KeyError in load_config");
    // Placeholders are marked apart from the template's words.
    await expect(pattern(page, LOGIN).locator(".placeholder")).toHaveCount(2);
    await page.keyboard.press("p");
    await expect(page).not.toHaveURL(/view=patterns/);
    await expect(rows(page).first()).toBeVisible();
  });

  test("reads only a template's lines when it is clicked", async ({ page }) => {
    await page.goto(`/grep/${index.name}?view=patterns`);
    await pattern(page, DISK).locator("a").click();
    await expect(page).not.toHaveURL(/view=patterns/);
    await expect(summary(page)).toContainText("12 matching lines");
    await expect(rows(page)).toHaveCount(12);
    for (const m of await shownMessages(page)) expect(m).toMatch(/^disk \/dev\/sda\d is \d+% full$/);
  });

  test("leaves a template's lines out on ctrl-click", async ({ page }) => {
    await page.goto(`/grep/${index.name}?view=patterns`);
    await pattern(page, LOGIN)
      .locator("a")
      .click({ modifiers: ["Control"] });
    await expect(patterns(page)).toHaveCount(2);
    await expect(pattern(page, LOGIN)).toHaveCount(0);
    await page.keyboard.press("p");
    await expect(summary(page)).toContainText(`${RECORDS.length - 30} matching lines`);
    for (const m of await shownMessages(page)) expect(m).not.toContain("logged in");
  });

  test("opens the same view from its URL, and a template's link opens its lines", async ({ page }) => {
    await page.goto(`/grep/${index.name}?view=patterns&psort=new`);
    await expect(page.getByLabel("sort patterns")).toHaveValue("new");
    await expect(patterns(page)).toHaveCount(3);
    // The previous window holds nothing: every template is new in this range.
    await expect(patterns(page).locator(".pattern-new")).toHaveCount(3);
    const href = await pattern(page, JOB).locator("a").getAttribute("href");
    await page.goto(`/grep/${index.name}${href}`);
    await expect(summary(page)).toContainText("5 matching lines");
    for (const m of await shownMessages(page)) expect(m).toMatch(/^job \d+ failed/);
  });
});
