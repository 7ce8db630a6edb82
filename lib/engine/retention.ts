/**
 * Which daily tables an index has: one per UTC day of its retention window (today included) plus tomorrow, so
 * that records stamped just after midnight by a clock a little ahead always have a table to go to.
 */
import { dailyTableName } from "./sphinxql-dialect";

export const DAY_MS = 86_400_000;

export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export type RetentionWindow = { fromMs: number; toMs: number };

/** [fromMs, toMs): the times an index accepts records for at `nowMs`. */
export function retentionWindow(retentionDays: number, nowMs: number): RetentionWindow {
  const today = utcDayStart(nowMs);
  return { fromMs: today - (Math.max(1, retentionDays) - 1) * DAY_MS, toMs: today + 2 * DAY_MS };
}

/** The daily tables of an index, oldest first. */
export function dailyTables(index: string, retentionDays: number, nowMs: number): string[] {
  const { fromMs, toMs } = retentionWindow(retentionDays, nowMs);
  const tables: string[] = [];
  for (let day = fromMs; day < toMs; day += DAY_MS) tables.push(dailyTableName(index, day));
  return tables;
}
