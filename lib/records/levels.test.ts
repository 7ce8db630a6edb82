import { describe, it, expect } from "vitest";
import { normalizeLevel } from "@/lib/records/levels";

describe("normalizeLevel", () => {
  it.each([
    ["error", "error", 50],
    ["warn", "warn", 40],
    ["info", "info", 30],
    ["http", "info", 30],
    ["verbose", "debug", 20],
    ["debug", "debug", 20],
    ["silly", "trace", 10],
  ])("reads the winston level %s as %s (%i)", (raw, level, lvl) => {
    expect(normalizeLevel(raw)).toEqual({ level, lvl });
  });

  it.each([
    [10, "trace"],
    [20, "debug"],
    [30, "info"],
    [40, "warn"],
    [50, "error"],
    [60, "fatal"],
  ])("reads the pino number %i as %s", (raw, level) => {
    expect(normalizeLevel(raw)).toEqual({ level, lvl: raw });
  });

  it.each([
    [5, "trace", 10],
    [15, "trace", 10],
    [25, "debug", 20],
    [35, "info", 30],
    [45, "warn", 40],
    [55, "error", 50],
    [70, "fatal", 60],
  ])("rounds the custom pino number %i down to the standard level below it (%s)", (raw, level, lvl) => {
    expect(normalizeLevel(raw)).toEqual({ level, lvl });
  });

  it.each([
    ["DEBUG", "debug", 20],
    ["INFO", "info", 30],
    ["WARNING", "warn", 40],
    ["ERROR", "error", 50],
    ["CRITICAL", "fatal", 60],
  ])("reads the Python levelname %s as %s", (raw, level, lvl) => {
    expect(normalizeLevel(raw)).toEqual({ level, lvl });
  });

  it.each([
    ["emerg", "fatal", 60],
    ["alert", "fatal", 60],
    ["crit", "fatal", 60],
    ["err", "error", 50],
    ["warning", "warn", 40],
    ["notice", "notice", 35],
    ["info", "info", 30],
    ["debug", "debug", 20],
  ])("reads the syslog severity %s as %s", (raw, level, lvl) => {
    expect(normalizeLevel(raw)).toEqual({ level, lvl });
  });

  it("ignores case and surrounding spaces", () => {
    expect(normalizeLevel("  Warn ")).toEqual({ level: "warn", lvl: 40 });
  });

  it("keeps an unknown level name lowercased with number 0", () => {
    expect(normalizeLevel("AUDIT")).toEqual({ level: "audit", lvl: 0 });
  });

  it("bounds an unknown level name to 32 characters", () => {
    expect(normalizeLevel("x".repeat(100)).level).toHaveLength(32);
  });

  it.each([[undefined], [null], [""], ["   "], [Number.NaN], [{ level: "error" }]])(
    "gives an empty level for a missing or unusable value (%s)",
    (raw) => {
      expect(normalizeLevel(raw)).toEqual({ level: "", lvl: 0 });
    },
  );
});
