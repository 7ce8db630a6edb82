/**
 * The reader's histogram in Chromium against the real stack: bars stacked by level in the theme's colours, a
 * bar's counts per level on hover, the legend's totals, filtering by level from the legend, and zooming by drag.
 */
import type { Page } from "@playwright/test";
import type { HistogramLevel } from "@/lib/query/wire";
import { SEED, expect, seedLevel, test, type Seeded } from "../fixtures";

const LEVELS: HistogramLevel[] = ["error", "warn", "info", "debug", "other"];
const rows = (page: Page) => page.getByTestId("log-row");
const summary = (page: Page) => page.getByTestId("summary");
const legend = (page: Page) => page.getByTestId("histogram-legend");
const entry = (page: Page, level: HistogramLevel) => legend(page).locator(`li[data-level="${level}"] button`);
const tooltip = (page: Page) => page.getByTestId("histogram-tooltip");

// Twice the pixels, so that a bucket's one error line is several pixels of its bar.
test.use({ deviceScaleFactor: 2 });

/** The seed's range with a minute either side, fixed, so the buckets do not move while a test runs. */
function seedRange(seeded: Seeded): string {
  const from = new Date(seeded.base - 60_000).toISOString();
  const to = new Date(seeded.base + SEED.count * SEED.stepMs + 60_000).toISOString();
  return `?from=${from}&to=${to}`;
}

/** The seed's lines per level class within [fromMs, toMs). */
function seedCounts(seeded: Seeded, fromMs = -Infinity, toMs = Infinity): Record<HistogramLevel, number> {
  const counts = { error: 0, warn: 0, info: 0, debug: 0, other: 0 };
  for (let i = 0; i < SEED.count; i++) {
    const ts = seeded.base + i * SEED.stepMs;
    if (ts >= fromMs && ts < toMs) counts[seedLevel(i)]++;
  }
  return counts;
}

async function open(page: Page, name: string, query: string) {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByTestId("histogram")).toHaveAttribute("data-state", "ready");
}

type Hovered = { from: number; to: number; levels: Partial<Record<HistogramLevel, number>> } | null;

/** What the tooltip says once the page has painted after the last mouse move; null without one. */
function readTooltip(page: Page): Promise<Hovered> {
  return page.evaluate(
    () =>
      new Promise<Hovered>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            const tip = document.querySelector('[data-testid="histogram-tooltip"]');
            if (!tip) return resolve(null);
            const when = tip.querySelector<HTMLElement>(".when")!.dataset;
            const [from, to] = [Date.parse(when.from!), Date.parse(when.to!)];
            const levels: Record<string, number> = {};
            for (const e of tip.querySelectorAll<HTMLElement>("[data-level]"))
              levels[e.dataset.level ?? ""] = Number(
                e.querySelector(".count")!.textContent.replace(/\D/g, ""),
              );
            resolve({ from, to, levels });
          }),
        ),
      ),
  );
}

/**
 * Moves across the plot and returns the middle of the first bar whose tooltip counts errors, warnings and info
 * lines, with what the tooltip says there.
 */
async function findMixedBar(page: Page): Promise<{ x: number; y: number; bucket: NonNullable<Hovered> }> {
  const box = (await page.locator(".u-over").boundingBox())!;
  const y = box.y + box.height / 2;
  let xs: number[] = [];
  let found: NonNullable<Hovered> | null = null;
  for (let x = box.x + 2; x < box.x + box.width - 2; x += 4) {
    await page.mouse.move(x, y);
    const h = await readTooltip(page);
    if (found) {
      if (h?.from !== found.from) break;
      xs.push(x);
    } else if (h && h.levels.error && h.levels.warn && h.levels.info) {
      found = h;
      xs = [x];
    }
  }
  expect(found, "a bar with error, warn and info lines").not.toBeNull();
  const x = xs[Math.floor(xs.length / 2)]!;
  await page.mouse.move(x, y);
  return { x, y, bucket: found! };
}

/**
 * The level colours down one column of the canvas at page x `x`, top to bottom, each run of one colour once:
 * the pixels matched against the theme's `--hist-*` colours, other pixels (background, grid, text) skipped.
 */
function stackAt(page: Page, x: number): Promise<string[]> {
  return page.evaluate(
    ({ x, levels }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="histogram"] canvas')!;
      const r = canvas.getBoundingClientRect();
      const col = Math.round(((x - r.left) * canvas.width) / r.width);
      const px = canvas.getContext("2d")!.getImageData(col, 0, 1, canvas.height).data;
      const css = getComputedStyle(document.documentElement);
      const colors = levels.map((l) => {
        const hex = css.getPropertyValue(`--hist-${l}`).trim();
        return [l, [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16))] as const;
      });
      const runs: { level: string; n: number }[] = [];
      for (let y = 0; y < canvas.height; y++) {
        const [red, green, blue, alpha] = px.slice(y * 4, y * 4 + 4);
        if (alpha! < 250) continue;
        const hit = colors.find(([, c]) => Math.hypot(c[0]! - red!, c[1]! - green!, c[2]! - blue!) < 24);
        if (!hit) continue;
        const last = runs[runs.length - 1];
        if (last?.level === hit[0]) last.n++;
        else runs.push({ level: hit[0], n: 1 });
      }
      // A pixel or two of one colour where two meet is the edge, not a segment.
      return runs.filter((s) => s.n >= 3).map((s) => s.level);
    },
    { x, levels: LEVELS },
  );
}

test.describe("reader histogram", () => {
  test("stacks each bar by level in the theme's colours, with the counts per level on hover and in the legend", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name, seedRange(seeded));
    const totals = seedCounts(seeded);
    for (const level of LEVELS)
      await expect(entry(page, level)).toHaveText(new RegExp(`^${level}${totals[level].toLocaleString()}$`));

    const { x, bucket } = await findMixedBar(page);
    // Every line of the bucket, by level, as the seed has them; levels without lines are not listed.
    const expected = Object.fromEntries(
      Object.entries(seedCounts(seeded, bucket.from, bucket.to)).filter(([, n]) => n > 0),
    );
    expect(bucket.levels).toEqual(expected);
    await expect(tooltip(page).locator(".when")).toHaveAttribute(
      "data-from",
      new Date(bucket.from).toISOString(),
    );
    await page.mouse.move(0, 0);
    await expect(tooltip(page)).toHaveCount(0);

    // Errors on the baseline, warnings on them, info on top: one bar, three segments.
    await expect.poll(() => stackAt(page, x)).toEqual(["info", "warn", "error"]);

    // The dark theme paints the same stack in its own colours.
    const light = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--hist-info").trim(),
    );
    // The toggle is named by the theme it switches to.
    await page.getByRole("button", { name: "dark theme" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    const dark = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue("--hist-info").trim(),
    );
    expect(dark).not.toBe(light);
    await expect.poll(() => stackAt(page, x)).toEqual(["info", "warn", "error"]);
    await page.getByRole("button", { name: "light theme" }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  });

  test("filters by a level from the legend, several with ctrl-click, and other as the levels it leaves out", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name, seedRange(seeded));
    const totals = seedCounts(seeded);

    await entry(page, "error").click();
    await expect(page).toHaveURL(/filter=level%3Aerror(&|$)/);
    await expect(summary(page)).toContainText(`${totals.error} matching lines`);
    await expect(entry(page, "error")).toHaveAttribute("aria-pressed", "true");
    await expect(rows(page)).toHaveCount(totals.error);
    expect(new Set(await rows(page).locator(".level").allTextContents())).toEqual(new Set(["error"]));
    // The facets read the same filter.
    await expect(page.getByTestId("facet-level").getByRole("button", { pressed: true })).toHaveText([
      /^error/,
    ]);
    // Only errors are left to count.
    await expect(entry(page, "warn")).toHaveText(/^warn0$/);

    await entry(page, "warn").click({ modifiers: ["Control"] });
    await expect(summary(page)).toContainText(`${totals.error + totals.warn} matching lines`);
    await expect(page).toHaveURL(/filter=level%3Aerror&filter=level%3Awarn/);
    await expect(legend(page).getByRole("button", { pressed: true })).toHaveCount(2);

    // The seed has no line of any other level.
    await entry(page, "other").click();
    for (const level of ["error", "warn", "info", "debug"])
      await expect(page).toHaveURL(new RegExp(`filter=-level%3A${level}(&|$)`));
    await expect(summary(page)).toContainText("0 matching lines");
    await expect(page.getByTestId("empty")).toBeVisible();
    await expect(entry(page, "other")).toHaveAttribute("aria-pressed", "true");

    await entry(page, "other").click();
    await expect(page).not.toHaveURL(/level/);
    await expect(summary(page)).toContainText(`${SEED.count} matching lines`);
    await expect(legend(page).getByRole("button", { pressed: true })).toHaveCount(0);
  });

  test("zooms into a time range by dragging across the stacked bars", async ({ page, seeded }) => {
    await open(page, seeded.index.name, seedRange(seeded));
    const before = page.url();
    const box = (await page.locator(".u-over").boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page).not.toHaveURL(before);
    await expect(page).toHaveURL(/from=\d{4}-.*&to=\d{4}-/);
    const url = new URL(page.url());
    const from = Date.parse(url.searchParams.get("from")!);
    const to = Date.parse(url.searchParams.get("to")!);
    expect(to - from).toBeLessThan(SEED.count * SEED.stepMs * 0.5);
    // The zoomed range's lines, counted and stacked by level as the seed has them there.
    const zoomed = seedCounts(seeded, from, to + 1);
    const total = Object.values(zoomed).reduce((n, c) => n + c, 0);
    await expect(summary(page)).toContainText(`${total.toLocaleString()} matching lines`);
    for (const level of LEVELS)
      await expect(entry(page, level)).toHaveText(new RegExp(`^${level}${zoomed[level].toLocaleString()}$`));
  });
});
