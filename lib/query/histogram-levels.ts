/**
 * The level classes the histogram stacks its bars by, from the engine's level number. Free of server imports:
 * the reader draws and filters by the same list.
 */
import { LEVELS } from "@/lib/records/levels";
import type { HistogramLevel, LevelCounts } from "./wire";

/** Bottom to top of a stacked bar, and the legend's order: errors sit on the baseline, easiest to compare. */
export const HISTOGRAM_LEVELS = [
  "error",
  "warn",
  "info",
  "debug",
  "other",
] as const satisfies HistogramLevel[];

/** The classes with a level of their own; `other` is everything else. */
export const NAMED_LEVELS = ["error", "warn", "info", "debug"] as const satisfies HistogramLevel[];
export type NamedLevel = (typeof NAMED_LEVELS)[number];

export function isNamedLevel(level: string): level is NamedLevel {
  return (NAMED_LEVELS as readonly string[]).includes(level);
}

/**
 * How many distinct level numbers a table can hold: every known level's and 0, which the collector stores for
 * any other name and for none (lib/records/levels.ts). A query grouped by bucket and level has at most this many
 * groups per bucket.
 */
export const LEVEL_NUMBERS = new Set([0, ...Object.values(LEVELS)]).size;

const BY_NUMBER = new Map<number, NamedLevel>(NAMED_LEVELS.map((l) => [LEVELS[l], l]));

/**
 * The class of a stored level number. Each known name has its own number, so this is the same split as the
 * `level:` filter makes: `level:error` finds exactly the lines counted as error.
 */
export function histogramLevelOf(lvl: number): HistogramLevel {
  return BY_NUMBER.get(lvl) ?? "other";
}

export function emptyLevelCounts(): LevelCounts {
  return { error: 0, warn: 0, info: 0, debug: 0, other: 0 };
}
