/**
 * The lines around one record, as `less` shows them: its neighbours in (ts, id) order regardless of the query,
 * narrowed only by the given field filters (typically the record's own host or logger), oldest first.
 *
 * Two kinds of request, told apart by `before`/`after`:
 * - context (both > 0, or both 0): the `before` records older than the anchor, the anchor, and the `after`
 *   records newer than it; null when the anchor does not exist (or does not pass the filters).
 * - extension (exactly one is 0): only the records strictly older (`after=0`) or strictly newer (`before=0`)
 *   than `at`, so passing a response's `cursors.older` / `cursors.newer` back extends it without repeating a line.
 *
 * Each side reads only the days it can reach from the anchor (older: its day and before; newer: its day and
 * after). Without a full-text match the engine walks every row of the tables named, so the newer side of a line
 * from this morning read one day instead of the whole retention.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { isMissingTableError, selectRecordsSql, type Cursor } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { cursorOf } from "./cursor";
import { queryTables, type QueryTarget } from "./query-tables";
import type { ContextParams } from "./reader-schema";
import { mergeFilters, toLogRecord } from "./search-records";
import type { ContextResult, LogRecord } from "./wire";

const position = (r: LogRecord | undefined) => (r ? cursorOf(r) : null);

export async function recordContext(
  engine: Engine,
  target: QueryTarget,
  params: ContextParams,
): Promise<ContextResult | null> {
  const { at, before, after } = params;
  const extension = (before === 0) !== (after === 0);
  if (!extension && at.id === "0") return null;
  const base = { match: null, filters: mergeFilters([], params.filter), highlight: null };
  // An extension reads only the side asked for; a context request reads both, the newer side starting just
  // before the anchor so that the anchor is its first row. One row more than shown tells whether the view can be
  // extended that way.
  const readOlder = !extension || before > 0;
  const readNewer = !extension || after > 0;
  const newerFrom: Cursor = extension ? at : { ...at, id: (BigInt(at.id) - 1n).toString() };
  const statements = (days: { older: string[]; newer: string[] }) => [
    ...(readOlder
      ? [
          selectRecordsSql({
            ...base,
            tables: days.older,
            cursor: { at, direction: "older" },
            limit: before + 1,
          }),
        ]
      : []),
    ...(readNewer
      ? [
          selectRecordsSql({
            ...base,
            tables: days.newer,
            cursor: { at: newerFrom, direction: "newer" },
            limit: after + (extension ? 1 : 2),
          }),
        ]
      : []),
  ];
  const days = { older: queryTables(target, undefined, at.ts), newer: queryTables(target, newerFrom.ts) };
  const all = [typeof target === "string" ? target : target.name];
  // A day dropped by retention since the tables were chosen: the distributed table has what is left.
  const rowSets = await runStatements(engine, statements(days)).catch((err: unknown) => {
    if (!isMissingTableError(err) || (days.older.join() === all.join() && days.newer.join() === all.join()))
      throw err;
    return runStatements(engine, statements({ older: all, newer: all }));
  });
  const sets = rowSets.map((rows) => rows.map(toLogRecord));
  const olderRows = readOlder ? sets[0]! : [];
  let newerRows = readNewer ? sets[sets.length - 1]! : [];

  let anchor: LogRecord[] = [];
  if (!extension) {
    const first = newerRows[0];
    if (!first || first.id !== at.id || first.ts !== at.ts) return null;
    anchor = [first];
    newerRows = newerRows.slice(1);
  }
  const older = olderRows.slice(0, before).reverse();
  const newer = newerRows.slice(0, after);
  const records = [...older, ...anchor, ...newer];
  // In an extension the side not asked for continues with `at` itself.
  const moreOlder = olderRows.length > before || (extension && before === 0);
  const moreNewer = newerRows.length > after || (extension && after === 0);
  return {
    records,
    anchorId: at.id,
    cursors: {
      older: moreOlder ? position(records[0]) : null,
      newer: moreNewer ? position(records[records.length - 1]) : null,
    },
  };
}
