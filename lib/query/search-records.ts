/**
 * Runs a grep query against an index's engine tables: newest first, keyset pages both ways, highlights as
 * offsets into the message (never HTML).
 */
import type { Engine } from "@/lib/engine/engine-client";
import {
  compileHighlight,
  compileMatch,
  MARK_END,
  MARK_START,
  messageFromEngine,
  selectRecordsSql,
  type Cursor,
  type FieldFilter,
} from "@/lib/engine/sphinxql-dialect";
import { selectWithTotal } from "@/lib/engine/run-statements";
import { cursorOf, encodeCursor } from "./cursor";
import { parseQuery } from "./parse-query";
import { compileRegexFilters } from "./regex-filter";
import { onTables, pageSteps, probeSteps, queryTables, type DayStep, type QueryTarget } from "./query-tables";
import type { GrepParams } from "./schema";
import type { GrepResult, LogRecord } from "./wire";

const maxDefined = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const minDefined = (a?: number, b?: number) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** Offsets of the marked spans, or none when the snippet is not exactly the message plus markers. */
export function highlightSpans(message: string, snippet: string | undefined): [number, number][] {
  if (!snippet) return [];
  const spans: [number, number][] = [];
  let plain = "";
  let start = -1;
  for (const ch of snippet) {
    if (ch === MARK_START) start = plain.length;
    else if (ch === MARK_END) {
      if (start >= 0 && plain.length > start) spans.push([start, plain.length]);
      start = -1;
    } else plain += ch;
  }
  return plain === message ? spans : [];
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");

function parseFields(js: unknown): Record<string, unknown> {
  if (typeof js !== "string" || js === "") return {};
  try {
    const v: unknown = JSON.parse(js);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A row of selectRecordsSql as the API returns it; highlights only when the row has a `snip` column. */
export function toLogRecord(r: Record<string, unknown>): LogRecord {
  const ts = Number(r.ts);
  const message = messageFromEngine(text(r.msg));
  const snippet = typeof r.snip === "string" ? messageFromEngine(r.snip) : undefined;
  return {
    id: String(r.id),
    ts,
    // A row of a table the supervisor has not given the column yet has none: it sits where seq 0 puts it.
    seq: typeof r.seq === "string" || typeof r.seq === "number" ? String(r.seq) : "0",
    time: new Date(ts).toISOString(),
    message,
    level: text(r.level),
    logger: text(r.logger),
    host: text(r.host),
    fields: parseFields(r.js),
    highlights: highlightSpans(message, snippet),
  };
}

export function mergeFilters(fromQuery: FieldFilter[], fromParams: GrepParams["filter"]): FieldFilter[] {
  const out = fromQuery.map((f) => ({ ...f, values: [...f.values] }));
  for (const p of fromParams) {
    const f = out.find((x) => x.field === p.field && x.negate === p.negate);
    if (f) {
      if (!f.values.includes(p.value)) f.values.push(p.value);
    } else out.push({ field: p.field, values: [p.value], negate: p.negate });
  }
  return out;
}

/**
 * With a regular expression, rows the engine returns are tested here: read in batches of REGEX_BATCH, and no
 * more than REGEX_SCAN_BUDGET rows per request, after which the page says `truncated` and its `older` (or
 * `newer`) cursor resumes after the last row read.
 */
export const REGEX_BATCH = 2000;
export const REGEX_SCAN_BUDGET = 20_000;

/**
 * The matches of a query with a regular expression, newest first, reading at most the scan budget's rows: what
 * the histogram and the facets count when the engine cannot.
 */
export async function scanMatches(
  engine: Engine,
  index: QueryTarget,
  params: Pick<GrepParams, "q" | "filter" | "from" | "to">,
): Promise<{ records: LogRecord[]; scanned: number; truncated: boolean }> {
  const found = await searchRecords(engine, index, {
    ...params,
    limit: REGEX_SCAN_BUDGET,
    before: undefined,
    after: undefined,
  });
  return { records: found.records, scanned: found.scanned ?? 0, truncated: found.truncated ?? false };
}

export async function searchRecords(
  engine: Engine,
  index: QueryTarget,
  params: GrepParams,
  scan: { batch: number; budget: number } = { batch: REGEX_BATCH, budget: REGEX_SCAN_BUDGET },
): Promise<GrepResult> {
  const started = performance.now();
  const parsed = parseQuery(params.q);
  const match = compileMatch(parsed.terms, parsed.text);
  const positive = compileHighlight(parsed.terms, parsed.text);
  const cursor: { at: Cursor; direction: "older" | "newer" } | undefined = params.before
    ? { at: params.before, direction: "older" }
    : params.after
      ? { at: params.after, direction: "newer" }
      : undefined;
  const filters = mergeFilters(parsed.filters, params.filter);
  // A cursor bounds the time too: the page below one at time T reads no day after T's.
  const range = {
    fromMs: cursor?.direction === "newer" ? Math.max(cursor.at.ts, params.from ?? -Infinity) : params.from,
    toMs: cursor?.direction === "older" ? Math.min(cursor.at.ts, params.to ?? Infinity) : params.to,
  };
  const nowMs = Date.now();
  const direction = cursor?.direction ?? "older";
  const days: DayStep[] = pageSteps(index, range, direction, nowMs) ?? [
    { tables: queryTables(index, range.fromMs, range.toMs, nowMs), fromMs: params.from, toMs: params.to },
  ];
  // Newest-first pages (the first page, and every page down) read the first step in growing windows back from
  // their edge. Oldest-first pages start from a cursor and read only what lies beyond it.
  const steps =
    direction === "older"
      ? [...probeSteps(days[0]!, Math.min(nowMs, range.toMs ?? Infinity)), ...days.slice(1)]
      : days;
  const regex = compileRegexFilters(parsed.regexes);
  const rows: LogRecord[] = [];
  let total = 0;
  let totalComplete = true;
  let scanned = 0;
  /** With a regex whose budget ran out: the last row read, where the next page resumes. */
  let resumeAt: LogRecord | null = null;
  let lastRead: LogRecord | undefined;
  for (const [i, step] of steps.entries()) {
    let at = cursor;
    if (regex && scanned >= scan.budget && lastRead) resumeAt = lastRead;
    while (!resumeAt) {
      // One more than asked tells whether another page exists in this direction.
      const wanted = params.limit + 1 - rows.length;
      const limit = regex ? Math.min(scan.batch, scan.budget - scanned) : wanted;
      const sql = (tables: string[]) =>
        selectRecordsSql({
          tables,
          match,
          filters,
          conditions: parsed.conditions,
          fromMs: maxDefined(params.from, step.fromMs),
          toMs: minDefined(params.to, step.toMs),
          cursor: at,
          limit,
          highlight: positive,
        });
      const found = await onTables(index, step.tables, (t) => selectWithTotal(engine, sql(t)));
      const read = found.rows.map(toLogRecord);
      if (!regex) {
        rows.push(...read);
        total += found.total;
        break;
      }
      scanned += read.length;
      const kept = read.filter(regex);
      // Past the row that fills the page, the rest of the batch is left for the next page to read again.
      const fill = kept.slice(0, wanted);
      rows.push(...fill);
      total += fill.length;
      lastRead = read[read.length - 1] ?? lastRead;
      if (rows.length > params.limit) {
        // The matches past this page were not all read: `total` counts those found so far.
        totalComplete = false;
        break;
      }
      if (read.length < limit || !lastRead) break;
      if (scanned >= scan.budget) {
        resumeAt = lastRead;
        break;
      }
      at = { at: lastRead, direction };
    }
    if (resumeAt || (regex && rows.length > params.limit)) {
      totalComplete = false;
      break;
    }
    if (rows.length > params.limit && i < steps.length - 1) {
      totalComplete = false;
      break;
    }
  }
  const more = rows.length > params.limit;
  const records = rows.slice(0, params.limit);
  if (cursor?.direction === "newer") records.reverse();
  const first = records[0];
  const last = records[records.length - 1];
  const olderExists = cursor?.direction === "newer" ? records.length > 0 : more;
  // A page cut short by the scan budget goes on from the last row read, in its direction.
  const older = resumeAt && direction === "older" ? resumeAt : last && olderExists ? last : null;
  // Always offered while there are rows: newer lines may arrive at any time.
  const newer = resumeAt && direction === "newer" ? resumeAt : (first ?? cursor?.at ?? null);
  return {
    records,
    cursors: { older: older ? cursorOf(older) : null, newer: newer ? encodeCursor(newer) : null },
    total,
    totalComplete,
    ...(regex ? { scanned, truncated: resumeAt !== null } : {}),
    tookMs: Math.round(performance.now() - started),
  };
}
