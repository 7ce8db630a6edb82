/**
 * Bulk writes. One REPLACE per table per batch when it fits: 1000-5000 rows a statement is where searchd inserts
 * fastest (DESIGN.md). Statements are bounded by bytes as well as rows, because a statement over
 * max_packet_size is dropped silently, with only PROTOCOL_CONNECTION_LOST on the client.
 */
import type { Engine } from "./engine-client";
import { isTransientEngineError } from "./engine-errors";
import { replaceRowsSql, rowSqlBytes, type EngineRow } from "./sphinxql-dialect";

export const MAX_STATEMENT_BYTES = 16 * 1024 * 1024;
export const MAX_STATEMENT_ROWS = 5000;

/** Splits rows into statements below both bounds; a row larger than the byte bound goes alone. */
export function chunkRows(
  rows: EngineRow[],
  maxBytes = MAX_STATEMENT_BYTES,
  maxRows = MAX_STATEMENT_ROWS,
): EngineRow[][] {
  const chunks: EngineRow[][] = [];
  let cur: EngineRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    const b = rowSqlBytes(r);
    if (cur.length > 0 && (bytes + b > maxBytes || cur.length >= maxRows)) {
      chunks.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(r);
    bytes += b;
  }
  if (cur.length) chunks.push(cur);
  return chunks;
}

export type Statement = { rows: EngineRow[]; sql: string };

/** Renders a table's rows into bounded REPLACE statements, ahead of writing them. */
export function renderStatements(table: string, rows: EngineRow[]): Statement[] {
  return chunkRows(rows).map((part) => ({ rows: part, sql: replaceRowsSql(table, part) }));
}

export type WriteOutcome = { written: number; rejected: { row: EngineRow; reason: string }[] };

/**
 * Writes rendered statements; a statement the engine refuses for its content is bisected so that only the rows
 * it refuses are returned as rejected (for the dead-letter queue), and the rest are stored. Transient errors are
 * thrown: the caller retries, and REPLACE makes rewriting what was already stored harmless.
 */
export async function writeStatements(
  engine: Engine,
  table: string,
  statements: Statement[],
): Promise<WriteOutcome> {
  const out: WriteOutcome = { written: 0, rejected: [] };
  const write = async (st: Statement): Promise<void> => {
    try {
      await engine.query(st.sql);
      out.written += st.rows.length;
    } catch (err) {
      if (isTransientEngineError(err)) throw err;
      if (st.rows.length === 1) {
        out.rejected.push({
          row: st.rows[0]!,
          reason: `engine refused the record: ${(err as Error).message.slice(0, 300)}`,
        });
        return;
      }
      const mid = st.rows.length >> 1;
      for (const half of [st.rows.slice(0, mid), st.rows.slice(mid)])
        await write({ rows: half, sql: replaceRowsSql(table, half) });
    }
  };
  for (const st of statements) await write(st);
  return out;
}
