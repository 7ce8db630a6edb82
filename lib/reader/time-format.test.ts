import { describe, expect, it } from "vitest";
import {
  axisTicks,
  barSize,
  barSpan,
  dayKey,
  fromWallMs,
  fullTime,
  inputTime,
  parseInputTime,
  rangeSpansDays,
  rowTime,
  shortDay,
  spansDays,
  zoneLabel,
  zoneOf,
} from "./time-format";

const NY = "America/New_York";
const KOLKATA = "Asia/Kolkata";
/** 2026-12-03 19:05:09.123 UTC: 14:05 in New York (UTC-05:00), 00:35 the next day in Kolkata (UTC+05:30). */
const T = Date.UTC(2026, 11, 3, 19, 5, 9, 123);
const H = 3_600_000;

describe("reader times", () => {
  it("writes a row's time of day alone, or with its date when the lines span days", () => {
    expect(rowTime(T, "UTC", false)).toBe("19:05:09.123");
    expect(rowTime(T, "UTC", true)).toBe("12-03 19:05:09.123");
    expect(rowTime(T, NY, true)).toBe("12-03 14:05:09.123");
    expect(rowTime(T, KOLKATA, true)).toBe("12-04 00:35:09.123");
    expect(rowTime(Date.UTC(2026, 0, 1), "UTC", false)).toBe("00:00:00.000");
  });

  it("writes a moment in full with its zone, the same 24-hour clock as the rows", () => {
    expect(fullTime(T, "UTC")).toBe("2026-12-03 19:05:09.123 UTC");
    expect(fullTime(T, NY)).toBe("2026-12-03 14:05:09.123 UTC-05:00");
    expect(fullTime(T, KOLKATA)).toBe("2026-12-04 00:35:09.123 UTC+05:30");
    // New York in summer is four hours behind.
    expect(zoneLabel(Date.UTC(2026, 6, 1), NY)).toBe("UTC-04:00");
  });

  it("tells whether a range spans more than one day in the zone it is shown in", () => {
    const morning = Date.UTC(2026, 11, 3, 1, 0);
    const evening = Date.UTC(2026, 11, 3, 23, 0);
    expect(spansDays(morning, evening, "UTC")).toBe(false);
    // 01:00 UTC is the evening before in New York.
    expect(spansDays(morning, evening, NY)).toBe(true);
    expect(spansDays(T - 24 * H, T, "UTC")).toBe(true);
    expect(spansDays(T - H, T, NY)).toBe(false);
    expect(dayKey(T, KOLKATA)).toBe("2026-12-04");
  });

  it("tells whether a range written as the URL writes it spans days", () => {
    const now = Date.UTC(2026, 11, 3, 14, 0);
    expect(rangeSpansDays("now-1h", "", now, "UTC")).toBe(false);
    expect(rangeSpansDays("now-7d", "", now, "UTC")).toBe(true);
    expect(rangeSpansDays("now-24h", "", now, "UTC")).toBe(true);
    // 13:00 to 14:00 UTC is 18:30 to 19:30 in Kolkata: one day there too; 20 hours back crosses its midnight.
    expect(rangeSpansDays("now-1h", "now", now, KOLKATA)).toBe(false);
    expect(rangeSpansDays("now-20h", "", now, KOLKATA)).toBe(true);
    expect(rangeSpansDays("2026-12-01T10:00:00Z", "2026-12-01T12:00:00Z", now, "UTC")).toBe(false);
    expect(rangeSpansDays("2026-12-01T10:00:00Z", "", now, "UTC")).toBe(true);
    // No lower bound: everything kept.
    expect(rangeSpansDays("", "", now, "UTC")).toBe(true);
  });

  it("names bar sizes in words", () => {
    expect(barSize(3 * H)).toBe("3-hour");
    expect(barSize(60_000)).toBe("1-minute");
    expect(barSize(10_000)).toBe("10-second");
    expect(barSize(30 * 60_000)).toBe("30-minute");
    expect(barSize(2 * 24 * H)).toBe("2-day");
    expect(barSize(90_000)).toBe("90-second");
    expect(barSize(250)).toBe("250-millisecond");
  });

  it("writes the span a bar counts on the same clock", () => {
    const start = Date.UTC(2026, 11, 3, 18, 0);
    expect(barSpan(start, 3 * H, "UTC")).toBe("Dec 3 18:00–21:00");
    expect(barSpan(start, 3 * H, NY)).toBe("Dec 3 13:00–16:00");
    expect(barSpan(start + 10_000, 10_000, "UTC")).toBe("Dec 3 18:00:10–18:00:20");
    expect(barSpan(Date.UTC(2026, 11, 3), 24 * H, "UTC")).toBe("Dec 3");
    expect(barSpan(Date.UTC(2026, 11, 3), 2 * 24 * H, "UTC")).toBe("Dec 3–Dec 4");
  });

  it("labels axis ticks on whole steps of the zone's clock, with the day where it changes", () => {
    // 18:00 to 06:00 UTC across midnight, 3-hour steps.
    const from = Date.UTC(2026, 11, 3, 18, 0);
    const ticks = axisTicks(from, from + 12 * H, "UTC", 5);
    expect(ticks.map((t) => [t.time, t.day])).toEqual([
      ["18:00", "Dec 3"],
      ["21:00", null],
      ["00:00", "Dec 4"],
      ["03:00", null],
      ["06:00", null],
    ]);
    // The same moments in New York: the ticks fall on its own 3-hour marks, and on its own midnight.
    const ny = axisTicks(from, from + 12 * H, NY, 5);
    expect(ny.map((t) => [t.time, t.day])).toEqual([
      ["15:00", "Dec 3"],
      ["18:00", null],
      ["21:00", null],
      ["00:00", "Dec 4"],
    ]);
    expect(ny[0]!.ms).toBe(Date.UTC(2026, 11, 3, 20, 0));
    // Kolkata's half-hour offset: its 3-hour marks are not UTC's.
    expect(axisTicks(from, from + 12 * H, KOLKATA, 5)[0]).toMatchObject({
      ms: Date.UTC(2026, 11, 3, 18, 30),
      time: "00:00",
      day: "Dec 4",
    });
  });

  it("shows seconds on short axes and the day alone on long ones", () => {
    const from = Date.UTC(2026, 11, 3, 14, 0, 0);
    expect(axisTicks(from, from + 60_000, "UTC", 6).map((t) => t.time)).toEqual([
      "14:00:00",
      "14:00:10",
      "14:00:20",
      "14:00:30",
      "14:00:40",
      "14:00:50",
      "14:01:00",
    ]);
    const week = axisTicks(Date.UTC(2026, 10, 28, 12), Date.UTC(2026, 11, 5, 12), "UTC", 10);
    expect(week.map((t) => t.day)).toEqual(["Nov 29", "Nov 30", "Dec 1", "Dec 2", "Dec 3", "Dec 4", "Dec 5"]);
    expect(week.every((t) => t.time === "")).toBe(true);
    expect(week.length).toBeLessThanOrEqual(10);
    expect(shortDay(T, KOLKATA)).toBe("Dec 4");
  });

  it("never gives more ticks than asked for", () => {
    for (const span of [5_000, 60_000, 7 * 60_000, 5 * H, 26 * H, 30 * 24 * H, 400 * 24 * H]) {
      for (const max of [2, 5, 12]) {
        const ticks = axisTicks(T, T + span, NY, max);
        expect(ticks.length).toBeLessThanOrEqual(max + 1);
        expect(ticks.length).toBeGreaterThan(0);
      }
    }
  });

  it("reads and writes range inputs in the chosen zone", () => {
    expect(inputTime(T, "UTC")).toBe("2026-12-03 19:05:09.123");
    expect(inputTime(Date.UTC(2026, 11, 3, 19, 5, 9), NY)).toBe("2026-12-03 14:05:09");
    expect(parseInputTime("2026-12-03 14:05:09.123", NY)).toBe(T);
    expect(parseInputTime("2026-12-03 19:05:09.123", "UTC")).toBe(T);
    expect(parseInputTime("2026-12-04T00:35:09.123", KOLKATA)).toBe(T);
    expect(parseInputTime("2026-12-03 14:05", NY)).toBe(Date.UTC(2026, 11, 3, 19, 5));
    expect(parseInputTime("2026-12-03", "UTC")).toBe(Date.UTC(2026, 11, 3));
    for (const t of [T, Date.UTC(2026, 6, 1, 12), Date.UTC(2026, 2, 8, 7, 30)]) {
      expect(parseInputTime(inputTime(t, NY), NY)).toBe(t);
    }
    for (const bad of ["", "now-1h", "2026-02-30 10:00", "2026-12-03 25:00", "12/03/2026 2:05 PM"]) {
      expect(parseInputTime(bad, "UTC")).toBeNull();
    }
  });

  it("reads a wall-clock time a DST change skips or repeats", () => {
    // 2026-03-08 02:30 does not happen in New York (02:00 EST jumps to 03:00 EDT): read as 03:30 EDT.
    expect(fromWallMs(Date.UTC(2026, 2, 8, 2, 30), NY)).toBe(Date.UTC(2026, 2, 8, 7, 30));
    // 2026-11-01 01:30 happens twice: the first, still EDT.
    expect(fromWallMs(Date.UTC(2026, 10, 1, 1, 30), NY)).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it("takes UTC for tz=utc and the browser's zone otherwise", () => {
    expect(zoneOf("utc", NY)).toBe("UTC");
    expect(zoneOf("local", NY)).toBe(NY);
  });
});
