import { describe, expect, it } from "vitest";
import type { Engine } from "./engine-client";
import { MAX_BATCH_STATEMENTS } from "./sphinxql-dialect";
import { runStatements, selectWithTotal } from "./run-statements";

/** Answers each statement `SELECT <n>` with one row `{ n }`, as mysql2 nests them, and records each round trip. */
function fakeEngine() {
  const trips: number[] = [];
  const engine = {
    queryMulti: (sql: string) => {
      const statements = sql.split("; ");
      trips.push(statements.length);
      const sets = statements.map((s) => [{ n: Number(s.slice("SELECT ".length)) }]);
      return Promise.resolve(statements.length === 1 ? sets[0] : sets);
    },
  } as unknown as Engine;
  return { engine, trips };
}

describe("runStatements", () => {
  it("sends at most the engine's batch limit per round trip and answers in statement order", async () => {
    const { engine, trips } = fakeEngine();
    const statements = Array.from({ length: 2 * MAX_BATCH_STATEMENTS + 1 }, (_, i) => `SELECT ${i}`);
    const sets = await runStatements(engine, statements);
    expect(trips).toEqual([MAX_BATCH_STATEMENTS, MAX_BATCH_STATEMENTS, 1]);
    expect(sets.map((rows) => rows[0]!.n)).toEqual(statements.map((_, i) => i));
  });

  it("takes one round trip for a single statement and none for none", async () => {
    const { engine, trips } = fakeEngine();
    expect(await runStatements(engine, ["SELECT 7"])).toEqual([[{ n: 7 }]]);
    expect(await runStatements(engine, [])).toEqual([]);
    expect(trips).toEqual([1]);
  });
});

describe("selectWithTotal", () => {
  /** Answers `<select>; SHOW META` as searchd does: the rows, then the meta variables. */
  const answering = (rows: Record<string, unknown>[], meta: Record<string, unknown>[]) => {
    const sent: string[] = [];
    const engine = {
      queryMulti: (sql: string) => {
        sent.push(sql);
        return Promise.resolve([rows, meta]);
      },
    } as unknown as Engine;
    return { engine, sent };
  };

  it("sends the SELECT and its SHOW META in one round trip and reads total_found", async () => {
    const { engine, sent } = answering(
      [{ id: "1" }, { id: "2" }],
      [
        { Variable_name: "total", Value: "2" },
        { Variable_name: "total_found", Value: "1234" },
      ],
    );
    expect(await selectWithTotal(engine, "SELECT id FROM web LIMIT 2")).toEqual({
      rows: [{ id: "1" }, { id: "2" }],
      total: 1234,
    });
    expect(sent).toEqual(["SELECT id FROM web LIMIT 2; SHOW META"]);
  });

  it("counts the rows when the engine reports no total_found", async () => {
    const { engine } = answering([{ id: "1" }], []);
    expect((await selectWithTotal(engine, "SELECT id FROM web")).total).toBe(1);
  });
});
