/**
 * Matches over time for the reader's chart: counts per bucket of a "nice" size and per level class, every bucket
 * of the range present (zeros included) so the chart never has to guess about gaps.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { compileMatch, histogramSql } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { emptyLevelCounts, histogramLevelOf, LEVEL_NUMBERS } from "./histogram-levels";
import { parseQuery } from "./parse-query";
import type { HistogramParams } from "./reader-schema";
import { onQueryTables, type QueryTarget } from "./query-tables";
import { mergeFilters, scanMatches } from "./search-records";
import { LEVELS } from "@/lib/records/levels";
import type { Histogram, LevelCounts } from "./wire";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

export const NICE_BUCKETS_MS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  3 * H,
  6 * H,
  12 * H,
  D,
] as const;

/** The smallest nice size that splits `spanMs` into at most `buckets` buckets; whole days beyond one day. */
export function niceBucketMs(spanMs: number, buckets: number): number {
  const wanted = spanMs / Math.max(1, buckets);
  const nice = NICE_BUCKETS_MS.find((b) => b >= wanted);
  return nice ?? Math.ceil(wanted / D) * D;
}

/** Starts of the buckets, aligned to multiples of `bucketMs` since the epoch, that cover [fromMs, toMs]. */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number): number[] {
  const first = Math.floor(fromMs / bucketMs);
  const last = Math.floor(toMs / bucketMs);
  return Array.from({ length: last - first + 1 }, (_, i) => (first + i) * bucketMs);
}

export async function searchHistogram(
  engine: Engine,
  index: QueryTarget,
  params: HistogramParams,
): Promise<Histogram> {
  const { from, to } = params;
  const bucketMs = niceBucketMs(to - from, params.buckets);
  const starts = bucketStarts(from, to, bucketMs);
  const parsed = parseQuery(params.q);
  if (parsed.regexes) {
    // The engine cannot test a regular expression: count the matches the scan finds, per bucket and level.
    const scan = await scanMatches(engine, index, params);
    const counts = new Map<string, Record<string, unknown>>();
    for (const r of scan.records) {
      const name = r.level.toLowerCase();
      const lvl = Object.hasOwn(LEVELS, name) ? LEVELS[name as keyof typeof LEVELS] : 0;
      const bucket = Math.floor(r.ts / bucketMs);
      const key = `${bucket}_${lvl}`;
      const row = counts.get(key) ?? { bucket, lvl, bucket_count: 0 };
      row.bucket_count = Number(row.bucket_count) + 1;
      counts.set(key, row);
    }
    return {
      ...histogramFromRows(from, to, bucketMs, starts, [...counts.values()]),
      scanned: scan.scanned,
      truncated: scan.truncated,
    };
  }
  const sql = (tables: string[]) =>
    histogramSql({
      tables,
      match: compileMatch(parsed.terms, parsed.text),
      filters: mergeFilters(parsed.filters, params.filter),
      conditions: parsed.conditions,
      fromMs: from,
      toMs: to,
      bucketMs,
      maxBuckets: starts.length,
      levelsPerBucket: LEVEL_NUMBERS,
    });
  const [rows = []] = await onQueryTables(index, { fromMs: from, toMs: to }, (t) =>
    runStatements(engine, [sql(t)]),
  );
  return histogramFromRows(from, to, bucketMs, starts, rows);
}

/** The answer from the engine's `{ bucket, lvl, bucket_count }` rows: one bucket per start, levels summed up. */
export function histogramFromRows(
  from: number,
  to: number,
  bucketMs: number,
  starts: number[],
  rows: Record<string, unknown>[],
): Histogram {
  const byStart = new Map<number, LevelCounts>(starts.map((t) => [t, emptyLevelCounts()]));
  for (const r of rows) {
    const levels = byStart.get(Number(r.bucket) * bucketMs);
    // Several level numbers share the class `other`.
    if (levels) levels[histogramLevelOf(Number(r.lvl))] += Number(r.bucket_count);
  }
  const total = emptyLevelCounts();
  const buckets = starts.map((t) => {
    const levels = byStart.get(t)!;
    let count = 0;
    for (const [level, n] of Object.entries(levels) as [keyof LevelCounts, number][]) {
      count += n;
      total[level] += n;
    }
    return { t, count, levels };
  });
  return { from, to, bucketMs, buckets, total: buckets.reduce((n, b) => n + b.count, 0), levels: total };
}
