/** Several statements in as few engine round trips as the engine allows, one row list per statement. */
import type { Engine } from "./engine-client";
import { MAX_BATCH_STATEMENTS } from "./sphinxql-dialect";

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
