/**
 * The lines around one record, as `less` shows them: its neighbours in (ts, seq, id) order regardless of the query,
 * narrowed only by the given field filters (typically the record's own host or logger), oldest first.
 *
 * Two kinds of request, told apart by `before`/`after`:
 * - context (both > 0, or both 0): the `before` records older than the anchor, the anchor, and the `after`
 *   records newer than it; null when the anchor does not exist (or does not pass the filters).
 * - extension (exactly one is 0): only the records strictly older (`after=0`) or strictly newer (`before=0`)
 *   than `at`, so passing a response's `cursors.older` / `cursors.newer` back extends it without repeating a line.
 *
 * Each side reads away from the anchor in growing time windows, then the rest of the days it can reach (older:
 * its day and before; newer: its day and after), stopping once it has its lines (contextSteps). Without a
 * full-text match the engine walks every row of the tables and time it is given, and a context's lines are
 * usually minutes from the anchor.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { selectRecordsSql, type Cursor } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { cursorOf } from "./cursor";
import { contextSteps, onTables, stepReachesAnchor, type DayStep, type QueryTarget } from "./query-tables";
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
  const side = (cursor: Cursor, direction: "older" | "newer", limit: number) =>
    readSide(
      engine,
      target,
      contextSteps(target, cursor.ts, direction),
      (step, rest) =>
        selectRecordsSql({
          ...base,
          ...step,
          cursor: stepReachesAnchor(step, cursor.ts, direction) ? { at: cursor, direction } : undefined,
          direction,
          limit: rest,
        }),
      limit,
    );
  const [olderRows, newerAll] = await Promise.all([
    readOlder ? side(at, "older", before + 1) : [],
    readNewer ? side(newerFrom, "newer", after + (extension ? 1 : 2)) : [],
  ]);
  let newerRows = newerAll;

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

/**
 * One side's rows, in its order: the steps read in turn until `limit` rows are found. Each step bounds its time,
 * so a day dropped by retention since the steps were chosen is read again through the distributed table.
 */
async function readSide(
  engine: Engine,
  target: QueryTarget,
  steps: DayStep[],
  sql: (step: { tables: string[]; fromMs?: number; toMs?: number }, limit: number) => string,
  limit: number,
): Promise<LogRecord[]> {
  const rows: LogRecord[] = [];
  for (const step of steps) {
    const found = await onTables(target, step.tables, async (tables) => {
      const [set = []] = await runStatements(engine, [sql({ ...step, tables }, limit - rows.length)]);
      return set;
    });
    rows.push(...found.map(toLogRecord));
    if (rows.length >= limit) break;
  }
  return rows;
}
