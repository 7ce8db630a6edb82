/**
 * Reads in as few engine round trips as the engine allows: several statements batched, one row list per
 * statement, and a SELECT together with its SHOW META.
 */
import type { Engine } from "./engine-client";
import { MAX_BATCH_STATEMENTS, SHOW_META_SQL, totalFoundFromMeta } from "./sphinxql-dialect";

export type Row = Record<string, unknown>;

export async function runStatements(engine: Engine, statements: string[]): Promise<Row[][]> {
  const batches: string[][] = [];
  for (let i = 0; i < statements.length; i += MAX_BATCH_STATEMENTS)
    batches.push(statements.slice(i, i + MAX_BATCH_STATEMENTS));
  const sets = await Promise.all(
    batches.map(async (batch) => {
      const result = await engine.queryMulti(batch.join("; "));
      // mysql2 nests result sets only when there are several: a single statement comes back as its rows.
      return batch.length === 1 ? [result as unknown as Row[]] : result;
    }),
  );
  return sets.flat();
}

/** A SELECT's rows and how many rows matched in all (its LIMIT aside), or the rows' count if the engine won't say. */
export async function selectWithTotal(
  engine: Engine,
  select: string,
): Promise<{ rows: Row[]; total: number }> {
  const [rows = [], meta = []] = await engine.queryMulti(`${select}; ${SHOW_META_SQL}`);
  return { rows, total: totalFoundFromMeta(meta) ?? rows.length };
}
