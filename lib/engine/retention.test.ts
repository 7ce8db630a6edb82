import { describe, it, expect } from "vitest";
import { DAY_MS, dailyTables, retentionWindow, utcDayStart } from "@/lib/engine/retention";

const NOW = Date.UTC(2026, 10, 21, 13, 45, 0);
const TODAY = Date.UTC(2026, 10, 21);

describe("retentionWindow", () => {
  it("starts N-1 days before today and ends after tomorrow", () => {
    expect(retentionWindow(7, NOW)).toEqual({ fromMs: TODAY - 6 * DAY_MS, toMs: TODAY + 2 * DAY_MS });
  });

  it("accepts records for all of today and tomorrow with one day of retention", () => {
    const w = retentionWindow(1, NOW);
    expect(w.fromMs).toBe(TODAY);
    expect(w.toMs - 1).toBe(TODAY + 2 * DAY_MS - 1);
  });

  it("treats zero or negative retention as one day", () => {
    expect(retentionWindow(0, NOW)).toEqual(retentionWindow(1, NOW));
    expect(retentionWindow(-3, NOW)).toEqual(retentionWindow(1, NOW));
  });

  it("is the same window all day long", () => {
    expect(retentionWindow(3, TODAY)).toEqual(retentionWindow(3, TODAY + DAY_MS - 1));
  });
});

describe("utcDayStart", () => {
  it("is midnight UTC of the day", () => {
    expect(utcDayStart(NOW)).toBe(TODAY);
    expect(utcDayStart(TODAY)).toBe(TODAY);
  });
});

describe("dailyTables", () => {
  it("lists N days up to today, then tomorrow, oldest first", () => {
    expect(dailyTables("app", 3, NOW)).toEqual([
      "app_20261119",
      "app_20261120",
      "app_20261121",
      "app_20261122",
    ]);
  });

  it("lists today and tomorrow for one day of retention", () => {
    expect(dailyTables("app", 1, NOW)).toEqual(["app_20261121", "app_20261122"]);
  });

  it("crosses month and year ends", () => {
    expect(dailyTables("app", 2, Date.UTC(2026, 11, 31, 23, 59))).toEqual([
      "app_20261230",
      "app_20261231",
      "app_20270101",
    ]);
  });

  it("has N+1 tables for N days", () => {
    expect(dailyTables("app", 30, NOW)).toHaveLength(31);
  });
});
