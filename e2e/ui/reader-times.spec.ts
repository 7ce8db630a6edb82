/**
 * Times in the reader, seen from a browser in New York: rows carry their date when the range spans days, the
 * histogram's axis carries the day and its bars say their size in words, a UTC switch in the URL changes every
 * time shown, and the range's from/to inputs appear only for a custom range, filled with the range shown (a
 * zoom's too), where Apply changes the URL and the lines.
 */
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { expect, test as base } from "../fixtures";

const NY = "America/New_York";
const DAY = 86_400_000;
const H = 3_600_000;

type Days = { index: LoggerIndex; times: number[]; yesterday: number };

/**
 * Six lines: one three days back, one two days back, four yesterday between 14:00 and 16:00 UTC (morning in New
 * York, the same date in both zones), numbered from the oldest.
 */
const test = base.extend<object, { days: Days }>({
  days: [
    async ({}, use) => {
      const index = await createTestIndex({ title: "Days" });
      const today = Math.floor(Date.now() / DAY) * DAY;
      const yesterday = today - DAY;
      const times = [
        today - 3 * DAY + 14 * H + 250,
        today - 2 * DAY + 14 * H + 250,
        yesterday + 14 * H + 5_500,
        yesterday + 14.5 * H,
        yesterday + 15 * H,
        yesterday + 16 * H,
      ];
      await publish(
        times.map((time, n) => ({
          routingKey: `app.${index.name}`,
          body: { message: `days line ${n}`, time, level: "info", host: "web-1" },
          options: { messageId: `${index.name}-${n}` },
        })),
      );
      await waitFor("days indexed", async () => (await engineCount(index.name)) === times.length, 60_000);
      await use({ index, times, yesterday });
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
});

test.use({ timezoneId: NY });

/** The wall clock of a moment in a zone, as the browser's own Intl reads it. */
function wall(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(ms);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  const sss = String(((ms % 1000) + 1000) % 1000).padStart(3, "0");
  const day = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric" }).format(ms);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    md: `${p.month}-${p.day}`,
    clock: `${p.hour}:${p.minute}:${p.second}`,
    sss,
    day,
  };
}

const rowTime = (ms: number, timeZone: string, withDate: boolean) => {
  const w = wall(ms, timeZone);
  return `${withDate ? `${w.md} ` : ""}${w.clock}.${w.sss}`;
};
const inputTime = (ms: number, timeZone: string) => {
  const w = wall(ms, timeZone);
  return `${w.date} ${w.clock}${w.sss === "000" ? "" : `.${w.sss}`}`;
};

const rows = (page: Page) => page.getByTestId("log-row");
const ticks = (page: Page) => page.getByTestId("axis-tick");
const exactly = (text: string) => new RegExp(`^${text}$`);
/** The axis labels whose day, or time, reads exactly `text`. */
const tickDay = (page: Page, text: string) =>
  ticks(page)
    .locator(".tick-day")
    .filter({ hasText: exactly(text) });
const tickTime = (page: Page, text: string) =>
  ticks(page)
    .locator(".tick-time")
    .filter({ hasText: exactly(text) });
const from = (page: Page) => page.getByLabel("from", { exact: true });
const to = (page: Page) => page.getByLabel("to", { exact: true });

async function open(page: Page, name: string, query: string) {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByTestId("histogram")).toHaveAttribute("data-state", "ready");
}

/** Yesterday 13:00 to 17:00 UTC: one day in UTC and in New York, four lines. */
function oneDay(d: Days) {
  const start = d.yesterday + 13 * H;
  const end = d.yesterday + 17 * H;
  return { start, end, query: `?from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}` };
}

test.describe("reader times", () => {
  test("rows carry their date when the range spans days, and the time of day alone within one day", async ({
    page,
    days,
  }) => {
    await open(page, days.index.name, "?from=now-7d");
    await expect(rows(page)).toHaveCount(6);
    await expect(rows(page).locator(".time")).toHaveText(
      [...days.times].reverse().map((t) => rowTime(t, NY, true)),
    );

    await open(page, days.index.name, oneDay(days).query);
    await expect(rows(page)).toHaveCount(4);
    await expect(rows(page).locator(".time")).toHaveText(
      days.times
        .slice(2)
        .reverse()
        .map((t) => rowTime(t, NY, false)),
    );
    await expect(rows(page).first().locator(".time")).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  });

  test("the histogram's axis carries the day on a 24-hour clock; its bars say their size in words", async ({
    page,
    days,
  }) => {
    await open(page, days.index.name, "?from=now-7d");
    await expect(page.getByTestId("summary")).toContainText("6 matching lines · 3-hour bars");
    // A week is labelled by days: the day two days back is one of them, as New York names it.
    await expect(tickDay(page, wall(days.times[1]!, NY).day)).toHaveCount(1);

    const range = oneDay(days);
    await open(page, days.index.name, range.query);
    await expect(page.getByTestId("summary")).toContainText("4 matching lines · 5-minute bars");
    // Hours on a 24-hour clock, the first one with its day.
    const first = ticks(page).first();
    await expect(first.locator(".tick-day")).toHaveText(wall(range.start, NY).day);
    await expect(first.locator(".tick-time")).toHaveText(/^\d\d:\d\d$/);
    const labels = await ticks(page).allTextContents();
    expect(labels.length).toBeGreaterThan(2);
    expect(labels.join(" ")).not.toMatch(/am|pm/i);
    await expect(tickTime(page, wall(days.yesterday + 14 * H, NY).clock.slice(0, 5))).toHaveCount(1);
    // Hovering a bar tells the span it counts on the same clock.
    const plot = (await page.locator(".u-over").boundingBox())!;
    await page.mouse.move(plot.x + plot.width / 2, plot.y + plot.height / 2);
    await expect(page.getByTestId("histogram-tooltip").locator(".when")).toHaveText(
      new RegExp(`^${wall(range.start, NY).day} \\d\\d:\\d\\d–\\d\\d:\\d\\d$`),
    );
  });

  test("the UTC switch changes every time shown and is kept in the URL across a reload", async ({
    page,
    days,
  }) => {
    const range = oneDay(days);
    const newest = days.times[5]!;
    await open(page, days.index.name, range.query);
    const time = rows(page).first().locator(".time");
    await expect(time).toHaveText(rowTime(newest, NY, false));
    await expect(from(page)).toHaveValue(inputTime(range.start, NY));

    await page.getByLabel("time zone").selectOption("utc");
    await expect(page).toHaveURL(/tz=utc/);
    await expect(time).toHaveText(rowTime(newest, "UTC", false));
    expect(rowTime(newest, "UTC", false)).not.toBe(rowTime(newest, NY, false));
    await expect(time).toHaveAttribute(
      "title",
      `${wall(newest, "UTC").date} ${rowTime(newest, "UTC", false)} UTC`,
    );
    await expect(from(page)).toHaveValue(inputTime(range.start, "UTC"));
    await expect(to(page)).toHaveValue(inputTime(range.end, "UTC"));
    await expect(tickTime(page, "14:00")).toHaveCount(1);

    await page.reload();
    await expect(page).toHaveURL(/tz=utc/);
    await expect(time).toHaveText(rowTime(newest, "UTC", false));
    await expect(page.getByLabel("time zone")).toHaveValue("utc");
    await expect(from(page)).toHaveValue(inputTime(range.start, "UTC"));
    // The details and the context bar are on the same clock.
    await rows(page).first().dblclick();
    const full = `${wall(newest, "UTC").date} ${rowTime(newest, "UTC", false)} UTC`;
    await expect(rows(page).first().locator('[data-field="time"] .value')).toHaveText(full);
    await page.keyboard.press("c");
    await expect(page.getByTestId("context-bar")).toContainText(`around ${full} on web-1`);

    // Back to local time, which is left out of the URL.
    await page.keyboard.press("Escape");
    await page.getByLabel("time zone").selectOption("local");
    await expect(page).not.toHaveURL(/tz=/);
    await expect(time).toHaveText(rowTime(newest, NY, false));
  });

  test("after a drag-zoom across the histogram the from/to inputs show the zoomed range", async ({
    page,
    days,
  }) => {
    await open(page, days.index.name, "?from=now-7d");
    await expect(page.getByTestId("custom-range")).toHaveCount(0);
    const plot = (await page.locator(".u-over").boundingBox())!;
    await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.9, plot.y + plot.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page).toHaveURL(/from=\d{4}-.*&to=\d{4}-/);
    const url = new URL(page.url()).searchParams;
    await expect(page.getByLabel("time range")).toHaveValue("custom");
    await expect(from(page)).toHaveValue(inputTime(Date.parse(url.get("from")!), NY));
    await expect(to(page)).toHaveValue(inputTime(Date.parse(url.get("to")!), NY));
  });

  test("custom range… shows the inputs filled with the range shown; Apply changes the URL and the lines", async ({
    page,
    days,
  }) => {
    await open(page, days.index.name, "?from=now-7d");
    // A preset is one Tab stop: from the range's select, Tab goes on to the zone, past no inputs.
    await expect(page.getByTestId("custom-range")).toHaveCount(0);
    await page.getByLabel("time range").focus();
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("time zone")).toBeFocused();

    const before = Date.now();
    await page.getByLabel("time range").selectOption("custom");
    const after = Date.now();
    await expect(from(page)).toBeVisible();
    // Filled with the last seven days as of now, to the second.
    const fromShown = await from(page).inputValue();
    const toShown = await to(page).inputValue();
    expect([
      inputTime(before - 7 * DAY, NY).slice(0, 10),
      inputTime(after - 7 * DAY, NY).slice(0, 10),
    ]).toContain(fromShown.slice(0, 10));
    expect([inputTime(before, NY).slice(0, 10), inputTime(after, NY).slice(0, 10)]).toContain(
      toShown.slice(0, 10),
    );
    expect(fromShown).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})?$/);
    await page.getByLabel("time range").focus();
    await page.keyboard.press("Tab");
    await expect(from(page)).toBeFocused();

    const range = oneDay(days);
    await from(page).fill(inputTime(range.start, NY));
    await to(page).fill(inputTime(range.end, NY));
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(
      new RegExp(`from=${encodeURIComponent(new Date(range.start).toISOString())}`),
    );
    const url = new URL(page.url()).searchParams;
    expect(url.get("from")).toBe(new Date(range.start).toISOString());
    expect(url.get("to")).toBe(new Date(range.end).toISOString());
    await expect(rows(page)).toHaveCount(4);
    await expect(rows(page).first()).toContainText("days line 5");
    await expect(rows(page).filter({ hasText: "days line 1" })).toHaveCount(0);
    // Inside one day now: the time of day alone.
    await expect(rows(page).first().locator(".time")).toHaveText(rowTime(days.times[5]!, NY, false));
    await expect(from(page)).toHaveValue(inputTime(range.start, NY));

    // A time that is not one is not applied.
    await to(page).fill("12/03/2026 2:05 PM");
    await expect(to(page)).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
  });
});
