/**
 * What the /hosts API reads: the engine (counts and lines), and Redis, where the collector keeps each index's
 * recently seen `host` values (lib/collector/field-values.ts). Each readable index says whether its `host`
 * column is tracked there (flagged `filtered`); an untracked one is asked of the engine instead.
 */
import type { Redis } from "ioredis";
import type { Engine } from "@/lib/engine/engine-client";

export type HostSources = {
  engine: Engine;
  /** Read-side Redis; its commands fail fast when Redis is away. */
  redis: () => Redis;
  redisPrefix: string;
  log?: (line: string) => void;
};

export type ReadableIndex = { name: string; hostTracked: boolean };

/** The indexes searchd serves right now: one created a moment ago may not be, and one unknown table fails a batch. */
export async function servedIndexes<T extends { name: string }>(engine: Engine, indexes: T[]): Promise<T[]> {
  if (indexes.length === 0) return [];
  const tables = await engine.tables();
  return indexes.filter((i) => tables.has(i.name));
}
