import { describe, expect, it } from "vitest";
import { selectedLevels, toggleLevel } from "@/lib/reader/level-filter";

const sorted = (s: Set<string>) => [...s].sort();

describe("toggleLevel", () => {
  it("selects one level with a plain click, and shows everything again on a second", () => {
    const one = toggleLevel(["host:web-1"], "error", false);
    expect(one).toEqual(["host:web-1", "level:error"]);
    expect(toggleLevel(one, "warn", false)).toEqual(["host:web-1", "level:warn"]);
    expect(toggleLevel(one, "error", false)).toEqual(["host:web-1"]);
  });

  it("adds and removes levels with ctrl/cmd-click, as the facets do", () => {
    const two = toggleLevel(toggleLevel([], "error", true), "warn", true);
    expect(two).toEqual(["level:error", "level:warn"]);
    expect(toggleLevel(two, "error", true)).toEqual(["level:warn"]);
    expect(toggleLevel(["level:warn"], "warn", true)).toEqual([]);
  });

  it("writes other as the named levels it leaves out", () => {
    const other = toggleLevel(["level:info"], "other", false);
    expect(other).toEqual(["-level:error", "-level:warn", "-level:info", "-level:debug"]);
    expect(sorted(selectedLevels(other))).toEqual(["other"]);
    const withError = toggleLevel(other, "error", true);
    expect(withError).toEqual(["-level:warn", "-level:info", "-level:debug"]);
    expect(sorted(selectedLevels(withError))).toEqual(["error", "other"]);
    expect(toggleLevel(other, "other", false)).toEqual([]);
    expect(toggleLevel(["level:error", "level:warn", "level:info", "level:debug"], "other", true)).toEqual(
      [],
    );
  });

  it("keeps a left-out level the legend does not name while other is shown", () => {
    expect(toggleLevel(["-level:audit"], "other", false)).toEqual([
      "-level:audit",
      "-level:error",
      "-level:warn",
      "-level:info",
      "-level:debug",
    ]);
    expect(toggleLevel(["-level:audit", "-level:error"], "error", false)).toEqual(["level:error"]);
  });
});

describe("selectedLevels", () => {
  it("reads the facets' level filters as classes", () => {
    expect(sorted(selectedLevels([]))).toEqual([]);
    expect(sorted(selectedLevels(["level:error", "level:WARN", "host:a"]))).toEqual(["error", "warn"]);
    expect(sorted(selectedLevels(["level:fatal"]))).toEqual(["other"]);
    expect(sorted(selectedLevels(["-level:error"]))).toEqual(["debug", "info", "other", "warn"]);
    expect(sorted(selectedLevels(["-level:audit"]))).toEqual([]);
  });
});
