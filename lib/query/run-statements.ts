/** Several statements in one engine round trip, one row list per statement whatever their number. */
import type { Engine } from "@/lib/engine/engine-client";

export type Row = Record<string, unknown>;

export async function runStatements(engine: Engine, statements: string[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const sets = await engine.queryMulti(statements.join("; "));
  // mysql2 nests result sets only when there are several: a single statement comes back as its rows.
  return statements.length === 1 ? [sets as unknown as Row[]] : sets;
}
