import { describe, expect, it } from "vitest";
import { detectLevel, parseLeadingTimestamp } from "./leading-timestamp";

const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0) =>
  new Date(y, mo - 1, d, h, mi, s, ms).getTime();

describe("parseLeadingTimestamp", () => {
  it.each([
    ["2026-11-21T13:45:01.123Z GET /", Date.UTC(2026, 10, 21, 13, 45, 1, 123), 24],
    ["2026-11-21T13:45:01+02:00 x", Date.UTC(2026, 10, 21, 11, 45, 1), 25],
    ["2026-11-21T13:45:01.123456789-0130 x", Date.UTC(2026, 10, 21, 15, 15, 1, 123), 34],
    ["[2026-11-21T13:45:01Z] INFO x", Date.UTC(2026, 10, 21, 13, 45, 1), 22],
    ["[21/Nov/2026:13:45:01 +0000] x", Date.UTC(2026, 10, 21, 13, 45, 1), 28],
    ["[21/Nov/2026:13:45:01 -0500] x", Date.UTC(2026, 10, 21, 18, 45, 1), 28],
  ])("reads %j with its zone", (line, ms, end) => {
    expect(parseLeadingTimestamp(line, NOW)).toEqual({ ms, end });
  });

  it.each([
    ["2026-11-21 13:45:01,123 ERROR boom", local(2026, 11, 21, 13, 45, 1, 123)],
    ["2026-11-21 13:45:01 - app - INFO - x", local(2026, 11, 21, 13, 45, 1)],
    ["2026/11/21 13:45:01 [error] 12#0: open() failed", local(2026, 11, 21, 13, 45, 1)],
    ["Nov 21 13:45:01 web-1 sshd[1]: x", local(2026, 11, 21, 13, 45, 1)],
    ["Nov  1 03:04:05 web-1 cron: x", local(2026, 11, 1, 3, 4, 5)],
    ["[Sat Nov 21 13:45:01.123456 2026] [core:error] x", local(2026, 11, 21, 13, 45, 1, 123)],
  ])("reads %j without a zone as local time", (line, ms) => {
    expect(parseLeadingTimestamp(line, NOW)?.ms).toBe(ms);
  });

  it("puts a syslog time that would be more than a day ahead in the previous year", () => {
    const jan2 = Date.UTC(2027, 0, 2, 0, 0, 0);
    expect(parseLeadingTimestamp("Dec 31 23:59:59 h app: x", jan2)?.ms).toBe(local(2026, 12, 31, 23, 59, 59));
  });

  it.each([
    "GET / HTTP/1.1",
    "13:45:01 only a time",
    "2026-13-21T13:45:01Z month 13",
    "2026-11-21T25:45:01Z hour 25",
    "[2026-11-21T13:45:01Z unclosed bracket",
    "Foo 21 13:45:01 not a month",
    "",
  ])("finds no timestamp in %j", (line) => {
    expect(parseLeadingTimestamp(line, NOW)).toBeNull();
  });
});

describe("detectLevel", () => {
  it.each([
    [" ERROR boom", "error"],
    [" [main] WARN com.example.Foo - slow", "warn"],
    [" - myapp - WARNING - disk", "warn"],
    [" [error] 12#0: open() failed", "error"],
    [" <crit> kernel", "fatal"],
    [" level=debug msg=x", "debug"],
    [" info: server started", "info"],
    ["E, [2026-11-21T13:45:01 #1] ERROR -- : x", "error"],
    [" CRITICAL db down", "fatal"],
  ])("finds the level in %j", (text, level) => {
    expect(detectLevel(text)).toBe(level);
  });

  it.each([
    " error handling improved in release 3",
    " the job finished with an ERROR that we ignore later in the text",
    " [main] com.example.Foo - started",
    " WARNINGS are rare",
  ])("finds none in %j", (text) => {
    expect(detectLevel(text)).toBeUndefined();
  });
});
