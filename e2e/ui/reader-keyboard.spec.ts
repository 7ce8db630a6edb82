/**
 * The reader used from the keyboard and by link all day: Enter on a focused control does what the control says,
 * every control shows where the focus is, j/k move without asking the server, a line opened at the bottom of
 * the view is shown, a link to a line deep in the list opens on it (with times that do not drift), and the top
 * of a list says when newer lines have arrived instead of going stale.
 */
import type { Page, Request } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { expect, test as base } from "../fixtures";

const LINES = 6000;
/** The line 5,000 rows below the newest (lines are numbered from the oldest, 0). */
const DEEP = LINES - 1 - 5000;

async function publishLines(index: LoggerIndex, prefix: string, times: number[]) {
  await publish(
    times.map((time, n) => ({
      routingKey: `app.${index.name}`,
      body: { message: `${prefix} line ${n}`, time, level: n % 3 ? "info" : "warn", host: `web-${n % 2}` },
      options: { messageId: `${index.name}-${prefix}-${n}` },
    })),
  );
}

const test = base.extend<object, { deep: LoggerIndex }>({
  deep: [
    async ({}, use) => {
      const index = await createTestIndex({ title: "Deep" });
      const newest = Date.now() - 120_000;
      // 100 ms apart, oldest first: line n is the (LINES - n)th newest.
      await publishLines(
        index,
        "deep",
        Array.from({ length: LINES }, (_, n) => newest - (LINES - 1 - n) * 100),
      );
      await waitFor("deep indexed", async () => (await engineCount(index.name)) === LINES, 120_000);
      await use(index);
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
});

const rows = (page: Page) => page.getByTestId("log-row");
const focused = (page: Page) => page.locator('[data-testid=log-row][data-focused="true"]');

async function open(page: Page, name: string, query = "") {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
}

/** Requests the page sends from now on to the app (pages, RSC payloads, API), its static files aside. */
function appRequests(page: Page): Request[] {
  const seen: Request[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith("/_next/static")) seen.push(r);
  });
  return seen;
}

/** The newer-lines check: a page of one line after the top (use-newer-lines.ts). */
const isNewerCheck = (r: Request) => {
  const u = new URL(r.url());
  return (
    u.pathname.startsWith("/api/grep/") && u.searchParams.get("limit") === "1" && u.searchParams.has("after")
  );
};
/** The alert bell's check for firing alerts, on every page (alert-bell.tsx), at most every 10 s. */
const isAlertsCheck = (r: Request) => new URL(r.url()).pathname === "/api/alerts";
/** What an idle page may ask: the two small checks, nothing of its question. */
const isBackground = (r: Request) => isNewerCheck(r) || isAlertsCheck(r);

test.describe("reader from the keyboard and by link", () => {
  test("Enter on a focused button or link presses or opens it, and opens no line", async ({ page, deep }) => {
    await open(page, deep.name);
    const web1 = page.getByTestId("facet-host").getByRole("button", { name: /^web-1/ });
    await web1.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/filter=host%3Aweb-1/);
    await expect(page.locator(".details")).toHaveCount(0);
    await page.getByRole("link", { name: "alco", exact: true }).focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/$/);
  });

  test("every control reached with Tab shows a focus ring, the buttons inside lines included", async ({
    page,
    deep,
  }) => {
    await open(page, deep.name);
    await page.locator("body").focus();
    const unringed: string[] = [];
    let inRows = 0;
    let facetValues = 0;
    for (let i = 0; i < 250 && inRows < 4; i++) {
      await page.keyboard.press("Tab");
      const seen = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return null;
        const s = getComputedStyle(el);
        const ring =
          (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) ||
          (s.boxShadow !== "none" && s.boxShadow !== "");
        return {
          what: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}"`,
          ring,
          inRow: !!el.closest("[data-testid=log-row]"),
          facet: !!el.closest(".facets"),
        };
      });
      if (!seen) continue;
      if (!seen.ring) unringed.push(seen.what);
      if (seen.inRow) inRows++;
      if (seen.facet) facetValues++;
    }
    expect(inRows, "Tab reaches the buttons inside lines").toBe(4);
    expect(facetValues).toBeGreaterThan(0);
    expect(unringed).toEqual([]);
  });

  test("j and k move the focus without a request while the line is loaded", async ({ page, deep }) => {
    await open(page, deep.name);
    await expect(rows(page).first()).toContainText(`deep line ${LINES - 1}`);
    const sent = appRequests(page);
    for (let i = 0; i < 12; i++) await page.keyboard.press("j");
    for (let i = 0; i < 3; i++) await page.keyboard.press("k");
    // The first j focuses the newest line: 12 down and 3 up is the ninth.
    await expect(focused(page)).toContainText(`deep line ${LINES - 1 - 8}`);
    // The URL follows (a permalink at any moment), after the keys stop.
    await expect(page).toHaveURL(/focus=\d+_\d+_\d+/);
    await page.waitForTimeout(500);
    expect(sent.filter((r) => !isBackground(r)).map((r) => r.url())).toEqual([]);
  });

  test("Enter on the last visible line shows its details in view", async ({ page, deep }) => {
    await open(page, deep.name);
    const list = page.getByTestId("log-list");
    const lastVisible = await list.evaluate((el) => {
      const bottom = el.getBoundingClientRect().bottom;
      const inView = [...el.querySelectorAll<HTMLElement>("[data-testid=log-row]")].filter(
        (r) => r.getBoundingClientRect().bottom <= bottom,
      );
      return inView[inView.length - 1]!.getAttribute("data-id");
    });
    await page.locator(`[data-testid=log-row][data-id="${lastVisible}"] .msg`).click();
    await page.keyboard.press("Enter");
    await expect(focused(page).locator(".details")).toBeInViewport({ ratio: 0.9 });
  });

  test("a link to a line 5,000 rows down opens focused on it; Copy link fixes the times", async ({
    page,
    deep,
    context,
  }) => {
    const found = await page.request.get(
      `/api/grep/${deep.name}?q=${encodeURIComponent(`"deep line ${DEEP}"`)}`,
    );
    const [line] = ((await found.json()) as { records: { ts: number; seq: string; id: string }[] }).records;
    const cursor = `${line!.ts}_${line!.seq}_${line!.id}`;
    await open(page, deep.name, `?focus=${cursor}`);
    await expect(focused(page)).toContainText(`deep line ${DEEP}`);
    await expect(focused(page)).toBeInViewport();

    // Reading on from there, then sharing: the link holds the range as times, not `now-24h`.
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await expect(focused(page)).toContainText(`deep line ${DEEP - 2}`);
    await page.getByRole("button", { name: "Copy link" }).click();
    const link = await page.getByTestId("shared-link").inputValue();
    const shared = new URL(link).searchParams;
    expect(shared.get("from")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(shared.get("to")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(shared.get("focus")).toMatch(/^\d+_\d+_\d+$/);

    const other = await context.newPage();
    await other.goto(link);
    await expect(focused(other)).toContainText(`deep line ${DEEP - 2}`);
    await expect(focused(other)).toBeInViewport();
    // Newer lines load above it on the way up, as from any point in the list.
    await other.keyboard.press("k");
    await expect(focused(other)).toContainText(`deep line ${DEEP - 1}`);
  });

  test("the first screen starts at the newest line; newer lines are counted at the top and shown on request", async ({
    page,
  }) => {
    const index = await createTestIndex({ title: "Fresh" });
    try {
      const start = Date.now() - 60_000;
      await publishLines(
        index,
        "old",
        Array.from({ length: 300 }, (_, n) => start + n * 10),
      );
      await waitFor("fresh indexed", async () => (await engineCount(index.name)) === 300);
      // The idle part starts once the page's first answers are in: lines, histogram and facets.
      const api = `/api/grep/${index.name}`;
      const answered = Promise.all(
        [api, `${api}/histogram`, `${api}/facets`].map((p) =>
          page.waitForResponse((r) => new URL(r.url()).pathname === p && r.ok()),
        ),
      );
      await open(page, index.name);
      await answered;
      const newest = page.locator('[data-testid=log-list] [data-index="1"] [data-testid=log-row]');
      await expect(newest).toContainText("old line 299");
      await expect(newest).toBeInViewport({ ratio: 1 });

      // Idle, the page asks only the small newer-lines check, at most every 5 s.
      const sent = appRequests(page);
      await page.waitForTimeout(12_000);
      expect(sent.filter((r) => !isBackground(r)).map((r) => r.url())).toEqual([]);
      expect(sent.filter(isNewerCheck).length).toBeLessThanOrEqual(3);
      expect(sent.filter(isAlertsCheck).length).toBeLessThanOrEqual(2);

      await publishLines(index, "new", [Date.now() - 2000, Date.now() - 1500, Date.now() - 1000]);
      const bar = page.getByTestId("newer-lines");
      await expect(bar).toHaveText(/3 newer lines/, { timeout: 20_000 });
      // The lines being read stay where they are until asked.
      await expect(newest).toContainText("old line 299");
      await bar.click();
      await expect(rows(page).first()).toContainText("new line 2");
      await expect(rows(page).first()).toBeInViewport({ ratio: 1 });
      await expect(bar).toHaveCount(0);

      // g, like less, goes to the newest line, the ones that arrived included.
      await page.getByTestId("log-list").evaluate((el) => el.scrollBy(0, 2000));
      await publishLines(index, "newer", [Date.now() - 500]);
      await expect(bar).toHaveText(/1 newer line/, { timeout: 20_000 });
      await page.keyboard.press("g");
      await expect(rows(page).first()).toContainText("newer line 0");
      await expect(rows(page).first()).toBeInViewport({ ratio: 1 });
    } finally {
      await dropTestIndex(index);
    }
  });
});
