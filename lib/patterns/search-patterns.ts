/**
 * The patterns of a query's matches over a range. Clustering every match of a busy day would cost seconds, so the
 * range is read in equal slices, each giving its newest lines up to an even share of the sample and its count of
 * matches; the templates are counted in the sample and scaled per slice to estimate the range. With "new", a
 * smaller sample of the previous window of the same length tells which templates were there before.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { compileMatch, selectRecordsSql } from "@/lib/engine/sphinxql-dialect";
import { selectWithTotal } from "@/lib/engine/run-statements";
import { parseQuery } from "@/lib/query/parse-query";
import { onQueryTables, type QueryTarget } from "@/lib/query/query-tables";
import { mergeFilters, toLogRecord } from "@/lib/query/search-records";
import { buildPatterns, type SampleLine, type SampleSlice } from "./build-patterns";
import type { PatternsParams } from "./schema";
import type { PatternsResult } from "./wire";

/** Slices read at once: enough to overlap the engine's work with the transfer, few enough for two cores. */
const PARALLEL_SLICES = 4;
/** The previous window's sample, as a share of the range's: only whether a template occurs matters there. */
const PREVIOUS_SHARE = 0.25;

/** [from, to] cut into `n` slices of whole milliseconds, the last one ending at `to`. */
export function sliceRange(from: number, to: number, n: number): { from: number; to: number }[] {
  const span = to - from + 1;
  const count = Math.max(1, Math.min(n, span));
  const size = Math.ceil(span / count);
  const out: { from: number; to: number }[] = [];
  for (let start = from; start <= to; start += size)
    out.push({ from: start, to: Math.min(to, start + size - 1) });
  return out;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

export async function searchPatterns(
  engine: Engine,
  index: QueryTarget,
  params: PatternsParams,
): Promise<PatternsResult> {
  const started = performance.now();
  const parsed = parseQuery(params.q);
  const match = compileMatch(parsed.terms);
  const filters = mergeFilters(parsed.filters, params.filter);
  const readSlice = async (slice: { from: number; to: number }, limit: number): Promise<SampleSlice> => {
    const sql = (tables: string[]) =>
      selectRecordsSql({
        tables,
        match,
        filters,
        fromMs: slice.from,
        toMs: slice.to,
        limit,
        highlight: null,
      });
    const found = await onQueryTables(index, { fromMs: slice.from, toMs: slice.to }, (t) =>
      selectWithTotal(engine, sql(t)),
    );
    const lines: SampleLine[] = found.rows.map((r) => {
      const rec = toLogRecord(r);
      return { message: rec.message, level: rec.level, fields: rec.fields };
    });
    return { total: found.total, lines };
  };

  const slices = sliceRange(params.from, params.to, params.slices);
  const perSlice = Math.max(1, Math.floor(params.sample / slices.length));
  const read = await inBatches(slices, PARALLEL_SLICES, (s) => readSlice(s, perSlice));

  let previous: SampleLine[] | undefined;
  if (params.sort === "new") {
    const span = params.to - params.from + 1;
    const before = sliceRange(params.from - span, params.from - 1, Math.max(1, Math.ceil(slices.length / 4)));
    const each = Math.max(1, Math.floor((params.sample * PREVIOUS_SHARE) / before.length));
    previous = (await inBatches(before, PARALLEL_SLICES, (s) => readSlice(s, each))).flatMap((s) => s.lines);
  }

  const { patterns, sampleSize } = buildPatterns(read, { previous, sort: params.sort, limit: params.limit });
  return {
    from: params.from,
    to: params.to,
    sort: params.sort,
    slices: slices.map((s) => s.from),
    sliceMs: slices[0]!.to - slices[0]!.from + 1,
    sampleSize,
    total: read.reduce((n, s) => n + s.total, 0),
    patterns,
    tookMs: Math.round(performance.now() - started),
  };
}
