import { describe, it, expect } from "vitest";
import { epochNumberToMs, parseTime, parseWallClock, subMillisecondNanos } from "@/lib/records/parse-time";

const MS = Date.UTC(2026, 10, 21, 10, 0, 0, 123); // 2026-11-21T10:00:00.123Z

describe("parseTime", () => {
  it("reads epoch seconds", () => {
    expect(parseTime(1795000000)).toBe(1795000000000);
  });

  it("reads fractional epoch seconds to the millisecond", () => {
    expect(parseTime(1795000000.123)).toBe(1795000000123);
  });

  it("reads epoch milliseconds", () => {
    expect(parseTime(1795000000123)).toBe(1795000000123);
  });

  it("reads epoch microseconds", () => {
    expect(parseTime(1795000000123456)).toBe(1795000000123);
  });

  it("reads epoch nanoseconds", () => {
    expect(parseTime(1795000000123456789)).toBe(1795000000123);
  });

  it("reads a number that is no date at all (beyond 8.64e15 ms) as no time", () => {
    expect(parseTime(1e25)).toBeNull();
    expect(parseTime("99999999999999999999999")).toBeNull();
    expect(epochNumberToMs(8.64e21)).toBe(8.64e15);
  });

  it("reads epoch numbers written as strings", () => {
    expect(parseTime("1795000000")).toBe(1795000000000);
    expect(parseTime(" 1795000000123 ")).toBe(1795000000123);
  });

  it("reads an ISO time in UTC", () => {
    expect(parseTime("2026-11-21T10:00:00.123Z")).toBe(MS);
  });

  it("reads an ISO time with a positive offset", () => {
    expect(parseTime("2026-11-21T13:00:00.123+03:00")).toBe(MS);
  });

  it("reads an ISO time with a negative offset", () => {
    expect(parseTime("2026-11-21T05:00:00.123-05:00")).toBe(MS);
  });

  it.each([
    ["not a time"],
    ["12:34"],
    [""],
    ["x".repeat(100)],
    [null],
    [undefined],
    [{}],
    [0],
    [-5],
    [Number.NaN],
    [Infinity],
  ])("gives null for something that is not a time (%s)", (raw) => {
    expect(parseTime(raw)).toBeNull();
  });
});

describe("epochNumberToMs", () => {
  it("tells units apart by magnitude around the same instant", () => {
    const s = 1_795_000_000;
    expect([s, s * 1e3, s * 1e6, s * 1e9].map(epochNumberToMs)).toEqual([s * 1e3, s * 1e3, s * 1e3, s * 1e3]);
  });
});

describe("parseWallClock", () => {
  it("reads wall-clock time in UTC, ignoring the trailing Z", () => {
    expect(parseWallClock("2026-11-21T10:00:00.123Z", "UTC")).toBe(MS);
  });

  it("accepts a space between date and time and a comma before the fraction", () => {
    expect(parseWallClock("2026-11-21 10:00:00,123", "UTC")).toBe(MS);
  });

  it("keeps milliseconds of a nanosecond fraction", () => {
    expect(parseWallClock("2026-11-21T10:00:00.123456789Z", "UTC")).toBe(MS);
  });

  it("keeps every three-digit fraction exactly", () => {
    for (let i = 0; i < 1000; i++) {
      const frac = String(i).padStart(3, "0");
      expect(parseWallClock(`2026-11-21T10:00:00.${frac}`, "UTC")).toBe(Date.UTC(2026, 10, 21, 10, 0, 0, i));
    }
  });

  it("reads Moscow wall-clock time as UTC+3", () => {
    expect(parseWallClock("2026-11-21T10:00:00.123Z", "Europe/Moscow")).toBe(
      Date.UTC(2026, 10, 21, 7, 0, 0, 123),
    );
    expect(parseWallClock("2026-07-01T10:00:00Z", "Europe/Moscow")).toBe(Date.UTC(2026, 6, 1, 7, 0, 0));
  });

  it("reads New York wall-clock time as UTC-5 in winter and UTC-4 in summer", () => {
    expect(parseWallClock("2026-01-15T12:00:00", "America/New_York")).toBe(Date.UTC(2026, 0, 15, 17, 0, 0));
    expect(parseWallClock("2026-07-01T12:00:00", "America/New_York")).toBe(Date.UTC(2026, 6, 1, 16, 0, 0));
  });

  it("reads New York wall-clock time on both sides of the 2026-03-08 change to daylight time", () => {
    // Clocks jump from 02:00 EST to 03:00 EDT, at 07:00 UTC.
    expect(parseWallClock("2026-03-08T01:30:00", "America/New_York")).toBe(Date.UTC(2026, 2, 8, 6, 30, 0));
    expect(parseWallClock("2026-03-08T03:30:00", "America/New_York")).toBe(Date.UTC(2026, 2, 8, 7, 30, 0));
  });

  it("reads New York wall-clock time on both sides of the 2026-11-01 change back to standard time", () => {
    expect(parseWallClock("2026-10-31T23:00:00", "America/New_York")).toBe(Date.UTC(2026, 10, 1, 3, 0, 0));
    expect(parseWallClock("2026-11-01T03:00:00", "America/New_York")).toBe(Date.UTC(2026, 10, 1, 8, 0, 0));
  });

  it.each([["yesterday"], ["2026-11-21"], [""], [1795000000], [null]])(
    "gives null for something that is not a wall-clock time (%s)",
    (raw) => {
      expect(parseWallClock(raw, "UTC")).toBeNull();
    },
  );
});

describe("subMillisecondNanos", () => {
  it.each([
    ["2026-11-21T10:00:00.123Z", 0],
    ["2026-11-21T10:00:00.1234Z", 400_000],
    ["2026-11-21T10:00:00.123456Z", 456_000],
    ["2026-11-21T10:00:00,123456789", 456_789],
    ["2026-11-21T10:00:00.123456+02:00", 456_000],
    ["2026-11-21T10:00:00Z", 0],
    ["Sat, 21 Nov 2026 10:00:00 GMT", 0],
    [1_795_000_000_123_456, 456_000],
    ["1795000000123456789", 456_789],
    [1_795_000_000.123456, 456_000],
    [1_795_000_000_123.25, 250_000],
    [1_795_000_000_123, 0],
    [null, 0],
  ])("%j is %d ns past its millisecond", (raw, nanos) => {
    expect(subMillisecondNanos(raw)).toBe(nanos);
  });

  it("puts an epoch number in the millisecond it falls in, never the next", () => {
    expect(parseTime(1_795_000_000.9996)).toBe(1_795_000_000_999);
    expect(parseTime(1_795_000_000_999_600)).toBe(1_795_000_000_999);
    expect(parseTime("1795000000999999999")).toBe(1_795_000_000_999);
    expect(parseTime(1_795_000_000.123)).toBe(1_795_000_000_123);
  });
});
