/** The index list with each index's recent volume, for the index picker (API and server pages alike). */
import "server-only";
import type { Db } from "@/db/client";
import type { Engine } from "@/lib/engine/engine-client";
import { countSinceSql } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { listIndexes } from "./logger-indexes";

export const VOLUME_WINDOW_MS = 5 * 60_000;

export type IndexVolume = { name: string; title: string; retentionDays: number; last5m: number };

async function countSince(engine: Engine, names: string[], sinceMs: number): Promise<Map<string, number>> {
  const sets = await runStatements(
    engine,
    names.map((n) => countSinceSql(n, sinceMs)),
  );
  return new Map(names.map((n, i) => [n, Number(sets[i]?.[0]?.n ?? 0)]));
}

/** Every index by name, with its records of the last five minutes; one engine round trip in the usual case. */
export async function listIndexVolumes(db: Db, engine: Engine, nowMs = Date.now()): Promise<IndexVolume[]> {
  const indexes = await listIndexes(db);
  if (indexes.length === 0) return [];
  const names = indexes.map((i) => i.name);
  const sinceMs = nowMs - VOLUME_WINDOW_MS;
  let counts: Map<string, number>;
  try {
    counts = await countSince(engine, names, sinceMs);
  } catch (err) {
    // An index created a moment ago may not be served yet, and one unknown table fails the whole batch.
    if (typeof (err as { sqlMessage?: unknown }).sqlMessage !== "string") throw err;
    const served = await engine.tables();
    counts = await countSince(
      engine,
      names.filter((n) => served.has(n)),
      sinceMs,
    );
  }
  return indexes.map((i) => ({
    name: i.name,
    title: i.title,
    retentionDays: i.retentionDays,
    last5m: counts.get(i.name) ?? 0,
  }));
}
