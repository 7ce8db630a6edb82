import { describe, expect, it } from "vitest";
import {
  HISTOGRAM_LEVELS,
  LEVEL_NUMBERS,
  histogramLevelOf,
  isNamedLevel,
} from "@/lib/query/histogram-levels";
import { LEVELS, normalizeLevel } from "@/lib/records/levels";

describe("histogramLevelOf", () => {
  it("gives the four named levels their own class, as the collector stores their names", () => {
    for (const raw of ["error", "ERR", "exception", 50])
      expect(histogramLevelOf(normalizeLevel(raw).lvl)).toBe("error");
    for (const raw of ["warn", "Warning", 40]) expect(histogramLevelOf(normalizeLevel(raw).lvl)).toBe("warn");
    for (const raw of ["info", "http", 30]) expect(histogramLevelOf(normalizeLevel(raw).lvl)).toBe("info");
    for (const raw of ["debug", "verbose", 20])
      expect(histogramLevelOf(normalizeLevel(raw).lvl)).toBe("debug");
  });

  it("puts every other level, an unknown name and no level in other", () => {
    for (const raw of ["trace", "notice", "fatal", "critical", "audit", "", undefined, 10, 60])
      expect(histogramLevelOf(normalizeLevel(raw).lvl)).toBe("other");
  });

  it("names exactly the classes it draws, and counts each level number once", () => {
    expect(HISTOGRAM_LEVELS.filter(isNamedLevel)).toEqual(["error", "warn", "info", "debug"]);
    expect(LEVEL_NUMBERS).toBe(Object.keys(LEVELS).length + 1);
  });
});
