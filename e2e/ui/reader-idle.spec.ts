/**
 * A reader left open asks for its question once: over 15 idle seconds after the first answers, the page loads
 * nothing again (no reload, no new page, histogram or facets), and only a list open at the newest line of a
 * relative range asks, at most every NEWER_CHECK_MS, whether newer lines have arrived. The alert bell, on every
 * page, asks for the firing alerts at most every ALERTS_POLL_MS.
 */
import type { Page, Request } from "@playwright/test";
import { SEED, expect, test } from "../fixtures";

const IDLE_MS = 15_000;
// NEWER_CHECK_MS in app/(reader)/_components/use-newer-lines.ts.
const NEWER_CHECK_MS = 5_000;
// POLL_MS in app/(reader)/_components/alert-bell.tsx.
const ALERTS_POLL_MS = 10_000;

type Seen = { at: number; kind: string; url: URL };

/** Every request the page makes to the app, by kind: a full page load, the reader's API calls, anything else. */
function watch(page: Page, logger: string) {
  const seen: Seen[] = [];
  const api = `/api/grep/${logger}`;
  page.on("request", (r: Request) => {
    const url = new URL(r.url());
    let kind = "other";
    if (r.resourceType() === "document") kind = "page load";
    else if (url.pathname === `${api}/histogram`) kind = "histogram";
    else if (url.pathname === `${api}/facets`) kind = "facets";
    else if (url.pathname === api)
      kind = url.searchParams.get("limit") === "1" && url.searchParams.has("after") ? "newer check" : "lines";
    else if (url.pathname === "/api/alerts") kind = "alerts check";
    else if (url.pathname.startsWith("/_next/static/")) return;
    seen.push({ at: Date.now(), kind, url });
  });
  return seen;
}

/** The bell's checks in an idle window: as many as its period allows, spaced by it. */
function expectAlertChecksBounded(idle: Seen[]) {
  const at = idle.filter((s) => s.kind === "alerts check").map((s) => s.at);
  expect(at.length).toBeLessThanOrEqual(Math.ceil(IDLE_MS / ALERTS_POLL_MS));
  for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThan(ALERTS_POLL_MS - 1_000);
}

/** Opens the reader and waits for its first answers: lines, histogram bars and facet values. */
async function openAndSettle(page: Page, logger: string, query = "") {
  const api = `/api/grep/${logger}`;
  const answered = Promise.all(
    [api, `${api}/histogram`, `${api}/facets`].map((p) =>
      page.waitForResponse((r) => new URL(r.url()).pathname === p && r.ok()),
    ),
  );
  await page.goto(`/grep/${logger}${query}`);
  await answered;
  await expect(page.getByTestId("log-row").first()).toBeVisible();
  await expect(page.getByTestId("facet-host")).toBeVisible();
  await expect(page.getByTestId("histogram").locator(".u-over")).toBeVisible();
}

test.describe("reader left open", () => {
  test("a relative range asks only for newer lines, at most every 5 s", async ({ page, seeded }) => {
    const seen = watch(page, seeded.index.name);
    // The default range, the last 24 hours up to now.
    await openAndSettle(page, seeded.index.name);
    const start = Date.now();
    const before = seen.length;
    await page.waitForTimeout(IDLE_MS);
    const idle = seen.slice(before).filter((s) => s.at >= start);
    expect(
      idle
        .filter((s) => s.kind !== "newer check" && s.kind !== "alerts check")
        .map((s) => `${s.kind} ${s.url.pathname}${s.url.search}`),
    ).toEqual([]);
    expectAlertChecksBounded(idle);
    const checks = idle.filter((s) => s.kind === "newer check").map((s) => s.at);
    expect(checks.length).toBeLessThanOrEqual(Math.ceil(IDLE_MS / NEWER_CHECK_MS));
    // Measured here, not in the browser: a little under the interval is the tolerance for that.
    for (let i = 1; i < checks.length; i++)
      expect(checks[i]! - checks[i - 1]!).toBeGreaterThan(NEWER_CHECK_MS - 1_000);
    await expect(page.getByTestId("log-row").first()).toContainText(`request ${SEED.count - 1} handled`);
  });

  test("a fixed range asks nothing more", async ({ page, seeded }) => {
    const seen = watch(page, seeded.index.name);
    const from = new Date(seeded.base - 60_000).toISOString();
    const to = new Date(seeded.base + SEED.count * SEED.stepMs).toISOString();
    await openAndSettle(page, seeded.index.name, `?from=${from}&to=${to}`);
    const before = seen.length;
    await page.waitForTimeout(IDLE_MS);
    const idle = seen.slice(before);
    expect(
      idle.filter((s) => s.kind !== "alerts check").map((s) => `${s.kind} ${s.url.pathname}${s.url.search}`),
    ).toEqual([]);
    expectAlertChecksBounded(idle);
    await expect(page.getByTestId("log-row").first()).toContainText(`request ${SEED.count - 1} handled`);
  });
});
