/**
 * Which engine tables a query reads. An index is a distributed table over one RT table per day; a query whose
 * time range covers only some of those days names just them, so the engine never walks the posting lists of days
 * that cannot match (a common word over the last hour reads one day of ten). A range that covers every day uses
 * the distributed table, which searches its days in parallel (`dist_threads`).
 */
import { dailyTables, retentionWindow, utcDayStart, DAY_MS } from "@/lib/engine/retention";
import { dailyTableName, isMissingTableError } from "@/lib/engine/sphinxql-dialect";

/** A logger index as a query target: its name alone means the distributed table, all days. */
export type QueryTarget = string | { name: string; retentionDays: number };

export function queryTables(
  target: QueryTarget,
  fromMs?: number,
  toMs?: number,
  nowMs = Date.now(),
): string[] {
  if (typeof target === "string") return [target];
  const window = retentionWindow(target.retentionDays, nowMs);
  const from = Math.max(fromMs ?? -Infinity, window.fromMs);
  const to = Math.min(toMs ?? Infinity, window.toMs - 1);
  const all = dailyTables(target.name, target.retentionDays, nowMs);
  // Outside the window nothing matches; the newest day answers that quickly and with the right shape.
  if (from > to) return [all[all.length - 1]!];
  const days: string[] = [];
  for (let day = utcDayStart(from); day <= to; day += DAY_MS) days.push(dailyTableName(target.name, day));
  return days.length >= all.length ? [target.name] : days;
}

/**
 * Runs `query` on the tables of a range; if the engine no longer has one of those days (the retention job of a
 * searchd whose clock is a little ahead dropped it at midnight), runs it again on the distributed table.
 */
export function onQueryTables<T>(
  target: QueryTarget,
  range: { fromMs?: number; toMs?: number },
  query: (tables: string[]) => Promise<T>,
): Promise<T> {
  return onTables(target, queryTables(target, range.fromMs, range.toMs), query);
}

/** onQueryTables for tables already chosen; the query must bound its time itself if it falls back. */
export async function onTables<T>(
  target: QueryTarget,
  tables: string[],
  query: (tables: string[]) => Promise<T>,
): Promise<T> {
  const name = typeof target === "string" ? target : target.name;
  if (tables.length === 1 && tables[0] === name) return query(tables);
  try {
    return await query(tables);
  } catch (err) {
    if (!isMissingTableError(err)) throw err;
    return query([name]);
  }
}

/** One engine read of a day-split query: its tables and the time bounds (inclusive) that keep it to its days. */
export type DayStep = { tables: string[]; fromMs?: number; toMs?: number };

/**
 * A page read in the order of its direction, split in two: first the days where the page starts (newest-first:
 * today and any later day; oldest-first: the cursor's day), then, only if that did not fill the page, every other
 * day of the range at once. The reader's first page of a busy index then reads one day, not all of them, and a
 * rare word still costs two reads. Null when the range has one day or the target is a name alone.
 */
export function pageSteps(
  target: QueryTarget,
  range: { fromMs?: number; toMs?: number },
  direction: "older" | "newer",
  nowMs = Date.now(),
): [DayStep, DayStep] | null {
  if (typeof target === "string") return null;
  const window = retentionWindow(target.retentionDays, nowMs);
  const from = Math.max(range.fromMs ?? -Infinity, window.fromMs);
  const to = Math.min(range.toMs ?? Infinity, window.toMs - 1);
  if (from > to || utcDayStart(from) === utcDayStart(to)) return null;
  if (direction === "older") {
    // Today's day, or the range's last day if it ends before today; later days (clock skew) go with it.
    const split = utcDayStart(Math.max(from, Math.min(to, nowMs)));
    if (split <= utcDayStart(from)) return null;
    return [
      { tables: queryTables(target, split, to, nowMs), fromMs: split, toMs: range.toMs },
      { tables: rest(target, from, split - 1, nowMs), fromMs: range.fromMs, toMs: split - 1 },
    ];
  }
  const split = utcDayStart(from) + DAY_MS;
  return [
    { tables: queryTables(target, from, split - 1, nowMs), fromMs: range.fromMs, toMs: split - 1 },
    { tables: rest(target, split, to, nowMs), fromMs: split, toMs: range.toMs },
  ];
}

/** Widths of the windows a newest-first read tries before the rest of its first step: 1 min, 16 min, 4 h 16 min. */
export const PROBE_WINDOWS_MS = [60_000, 16 * 60_000, 256 * 60_000];

/**
 * A newest-first step split into windows that grow back from the page's edge (its cursor, the range's end, or
 * now), read in turn until the page is full. The engine reads every match of a word (every row, with no word),
 * sorts them all by time and keeps the newest 100; a lower time bound lets it skip whole blocks by their min/max.
 * Measured on 2.2.11 over a day table of 203k rows: "orders" 31–42 ms over the day, 2–4 ms over its last minute;
 * no word at all 10–33 ms, then 3–5 ms over 16 minutes. A busy query fills its page in the first window; a rare
 * one pays three near-empty reads (about a millisecond each) before the rest.
 */
export function probeSteps(step: DayStep, edgeMs: number): DayStep[] {
  const out: DayStep[] = [];
  let upper = step.toMs;
  for (const width of PROBE_WINDOWS_MS) {
    const lower = edgeMs - width;
    if (step.fromMs !== undefined && lower <= step.fromMs) break;
    out.push({ tables: step.tables, fromMs: lower, toMs: upper });
    upper = lower - 1;
  }
  out.push({ tables: step.tables, fromMs: step.fromMs, toMs: upper });
  return out;
}

/** The other days of a split: three or more read through the distributed table, in parallel, bounded by time. */
function rest(target: { name: string; retentionDays: number }, fromMs: number, toMs: number, nowMs: number) {
  const days = queryTables(target, fromMs, toMs, nowMs);
  return days.length >= 3 ? [target.name] : days;
}

/**
 * Whether a context step can hold lines of the anchor's millisecond, the only ones the (ts, seq, id) keyset must
 * tell apart: every later step lies wholly before (older) or after (newer) it, where its time bound alone says
 * the same, and a keyset there would be one more expression the engine computes for every row it walks.
 */
export function stepReachesAnchor(step: DayStep, anchorMs: number, direction: "older" | "newer"): boolean {
  return direction === "older"
    ? step.toMs === undefined || step.toMs >= anchorMs
    : step.fromMs === undefined || step.fromMs <= anchorMs;
}

/**
 * The reads of one side of a context, away from its anchor: windows of PROBE_WINDOWS_MS's widths (older: back
 * from the anchor; newer: forward from it), each naming only the days it touches, then every other day the side
 * can reach. Context has no full-text match, so without a time bound the engine walks every row of the tables it
 * is named: the older side of a line read the whole retention, 485 ms at 10M records, though its 100 lines were a
 * minute away. Each window's bound lets the engine skip blocks by their min/max, and the first one usually fills
 * the side. A name alone (no retention known) gets one read of the distributed table.
 */
export function contextSteps(
  target: QueryTarget,
  anchorMs: number,
  direction: "older" | "newer",
  nowMs = Date.now(),
): DayStep[] {
  if (typeof target === "string")
    return [
      direction === "older" ? { tables: [target], toMs: anchorMs } : { tables: [target], fromMs: anchorMs },
    ];
  const window = retentionWindow(target.retentionDays, nowMs);
  const steps: DayStep[] = [];
  let edge = anchorMs;
  for (const width of PROBE_WINDOWS_MS) {
    // Past now only lines from a fast clock remain: the last step reads them.
    if (direction === "newer" && edge > nowMs) break;
    if (direction === "older") {
      const lower = anchorMs - width;
      if (lower <= window.fromMs) break;
      steps.push({ tables: queryTables(target, lower, edge, nowMs), fromMs: lower, toMs: edge });
      edge = lower - 1;
    } else {
      const upper = anchorMs + width;
      // Past the newest table there is nothing to read; the last step below covers it.
      if (upper >= window.toMs - 1) break;
      steps.push({ tables: queryTables(target, edge, upper, nowMs), fromMs: edge, toMs: upper });
      edge = upper + 1;
    }
  }
  steps.push(
    direction === "older"
      ? { tables: queryTables(target, undefined, edge, nowMs), toMs: edge }
      : { tables: queryTables(target, edge, undefined, nowMs), fromMs: edge },
  );
  return steps;
}
