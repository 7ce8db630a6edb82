import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loggerColumns, loggerIndexes, type LoggerColumn, type LoggerIndex } from "@/db/schema";
import { staleCache } from "@/lib/cache/stale-cache";
import { defaultColumnFlags, withIndexDefaults, type ColumnFlags, type CreateIndexInput } from "./schema";

export async function listIndexes(db: Db): Promise<LoggerIndex[]> {
  return db.select().from(loggerIndexes).orderBy(loggerIndexes.name);
}

/**
 * One index's row. While PostgreSQL is unreachable, a row it gave recently is served (lib/cache/stale-cache.ts),
 * so the reader keeps searching the indexes it was searching.
 */
export async function getIndex(db: Db, name: string): Promise<LoggerIndex | undefined> {
  const row = await staleCache<LoggerIndex>("logger index", db).read(name, async () => {
    const [found] = await db.select().from(loggerIndexes).where(eq(loggerIndexes.name, name));
    return found ? { value: found } : null;
  });
  return row ?? undefined;
}

const WELL_KNOWN_COLUMNS = ["level", "logger", "host"];

/** Creates an index with its well-known columns; a no-op if it already exists. */
export async function createIndex(db: Db, input: CreateIndexInput): Promise<LoggerIndex> {
  const values = withIndexDefaults(input);
  await db.transaction(async (tx) => {
    await tx.insert(loggerIndexes).values(values).onConflictDoNothing();
    await tx
      .insert(loggerColumns)
      .values(
        WELL_KNOWN_COLUMNS.map((name) => ({ indexName: values.name, name, ...defaultColumnFlags(name) })),
      )
      .onConflictDoNothing();
  });
  return (await getIndex(db, values.name))!;
}

/** Creates an index with its well-known columns; fails (unique violation) if its name or queue is taken. */
export async function insertIndex(db: Db, input: CreateIndexInput): Promise<LoggerIndex> {
  const values = withIndexDefaults(input);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(loggerIndexes).values(values).returning();
    await tx
      .insert(loggerColumns)
      .values(
        WELL_KNOWN_COLUMNS.map((name) => ({ indexName: values.name, name, ...defaultColumnFlags(name) })),
      );
    return row!;
  });
}

export async function findIndexByQueue(db: Db, queueName: string): Promise<LoggerIndex | undefined> {
  const [row] = await db.select().from(loggerIndexes).where(eq(loggerIndexes.queueName, queueName));
  return row;
}

/** Changes an index's settings; the row as it is now, or undefined if there is no such index. */
export async function updateIndex(
  db: Db,
  name: string,
  changes: Partial<Pick<LoggerIndex, "title" | "retentionDays" | "routingKeys">>,
): Promise<LoggerIndex | undefined> {
  const [row] = await db
    .update(loggerIndexes)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(loggerIndexes.name, name))
    .returning();
  return row;
}

export async function deleteIndex(db: Db, name: string): Promise<void> {
  await db.delete(loggerIndexes).where(eq(loggerIndexes.name, name));
}

/**
 * Every index's columns, or one index's. One index's, as the reader asks for them, are served from the last
 * answer while PostgreSQL is unreachable (lib/cache/stale-cache.ts).
 */
export async function listColumns(db: Db, indexName?: string): Promise<LoggerColumn[]> {
  const q = db.select().from(loggerColumns);
  if (indexName === undefined) return q;
  const columns = await staleCache<LoggerColumn[]>("logger columns", db).read(indexName, async () => ({
    value: await q.where(eq(loggerColumns.indexName, indexName)).orderBy(loggerColumns.name),
  }));
  return columns ?? [];
}

/** Registers columns seen for the first time, with default flags; existing ones keep theirs. */
export async function registerColumns(db: Db, indexName: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await db
    .insert(loggerColumns)
    .values(names.map((name) => ({ indexName, name, ...defaultColumnFlags(name) })))
    .onConflictDoNothing();
}

export async function setColumnFlags(
  db: Db,
  indexName: string,
  names: string[],
  flags: Partial<ColumnFlags>,
) {
  await db
    .update(loggerColumns)
    .set(flags)
    .where(and(eq(loggerColumns.indexName, indexName), inArray(loggerColumns.name, names)));
}
