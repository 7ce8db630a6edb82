/**
 * A host's lines across the indexes a caller may read, newest first: the same record query as grep
 * (selectRecordsSql, newest first, `count` rows) run once per readable index with the host as a filter, all in
 * one round trip, then merged by (ts, id) and cut to `count`. A `file` narrows to one source as /files names
 * it: records with that `file`, and records without a `file` whose logger it is. A regular expression in the
 * filter is tested on HOST_LOGS_REGEX_ROWS candidates per index: the newest matches among them.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { compileMatch, selectRecordsSql, type Cursor, type FieldFilter } from "@/lib/engine/sphinxql-dialect";
import { comparePositions } from "@/lib/query/cursor";
import { parseQuery } from "@/lib/query/parse-query";
import { compileRegexFilters } from "@/lib/query/regex-filter";
import { runStatements } from "@/lib/engine/run-statements";
import { toLogRecord } from "@/lib/query/search-records";
import type { LogRecord } from "@/lib/query/wire";
import { FILE_FIELD, hostFilter } from "./host-files";
import { servedIndexes, type ReadableIndex } from "./host-sources";
import type { HostLogLine, HostLogsParams } from "./schema";

/** Where a record came from, as /files names it: its `file`, else its logger. */
export function sourceOf(record: Pick<LogRecord, "fields" | "logger">): string {
  const file = record.fields[FILE_FIELD];
  if (typeof file === "string" && file !== "") return file;
  if (typeof file === "number") return String(file);
  return record.logger;
}

export const HOST_LOGS_REGEX_ROWS = 10_000;

/** Newest first, in the order every read uses. */
export function newestFirst(a: Cursor, b: Cursor): number {
  return comparePositions(b, a);
}

type Variant = { filters: FieldFilter[]; absentFields?: string[] };

function variants(host: string, base: FieldFilter[], file: string | undefined): Variant[] {
  // The host is its own filter, AND'd: a `host:` term in the query narrows, it cannot widen to another host.
  const filters = [...base, hostFilter(host)];
  if (file === undefined) return [{ filters }];
  return [
    { filters: [...filters, { field: FILE_FIELD, values: [file], negate: false }] },
    {
      filters: [...filters, { field: "logger", values: [file], negate: false }],
      absentFields: [FILE_FIELD],
    },
  ];
}

export async function hostLogs(
  engine: Engine,
  indexes: ReadableIndex[],
  host: string,
  params: HostLogsParams,
): Promise<HostLogLine[]> {
  const parsed = parseQuery(params.filter);
  const match = compileMatch(parsed.terms, parsed.text);
  const regex = compileRegexFilters(parsed.regexes);
  const served = await servedIndexes(engine, indexes);
  const plan = served.flatMap((index) =>
    variants(host, parsed.filters, params.file).map((v) => ({
      index: index.name,
      sql: selectRecordsSql({
        tables: [index.name],
        match,
        filters: v.filters,
        conditions: parsed.conditions,
        absentFields: v.absentFields,
        fromMs: params.from,
        toMs: params.to,
        limit: regex ? HOST_LOGS_REGEX_ROWS : params.count,
        highlight: null,
      }),
    })),
  );
  const sets = await runStatements(
    engine,
    plan.map((p) => p.sql),
  );
  const records = plan.flatMap((p, k) =>
    (sets[k] ?? []).map((row) => ({ index: p.index, ...toLogRecord(row) })),
  );
  return (regex ? records.filter(regex) : records)
    .sort(newestFirst)
    .slice(0, params.count)
    .map((r) => ({
      host: r.host,
      filename: sourceOf(r),
      logline: r.message,
      timestamp: r.time,
      level: r.level,
      index: r.index,
      logger: r.logger,
      id: r.id,
    }));
}
