/**
 * Creating, changing and deleting logger indexes from the admin API. PostgreSQL holds the index; RabbitMQ its queue
 * and bindings, changed here at once so that records published before the collector's next refresh are kept; the
 * engine's tables follow from PostgreSQL through the searchd supervisor's sync loop; Redis holds the values of
 * its filtered columns.
 */
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import type { Db } from "@/db/client";
import { loggerColumns, loggerIndexes, users, type LoggerColumn, type LoggerIndex } from "@/db/schema";
import { assertIndexQueue, deadLetterQueue, logsExchange } from "@/lib/amqp/topology";
import { AppError } from "@/lib/errors/app-error";
import { requireIndex } from "@/lib/indexes/require-index";
import { valuesKey } from "@/lib/collector/field-values";
import { env } from "@/lib/env";
import {
  deleteIndex,
  findIndexByQueue,
  getIndex,
  insertIndex,
  listColumns,
  updateIndex,
} from "@/lib/indexes/logger-indexes";
import {
  withIndexDefaults,
  type CreateIndexInput,
  type UpdateColumnsInput,
  type UpdateIndexInput,
} from "@/lib/indexes/schema";
import { isNotFound, onBroker, onBrokerConnection, queueExists } from "./broker";
import { isUniqueViolation } from "./unique-violation";

const quoted = (s: string) => JSON.stringify(s);
const exchange = () => logsExchange(env, (line) => console.warn(`[admin] ${line}`));

/** Creates the index in PostgreSQL and declares its queue and dead-letter queue, bound by its routing keys. */
export async function createIndexWithQueue(db: Db, input: CreateIndexInput): Promise<LoggerIndex> {
  const values = withIndexDefaults(input);
  if (await getIndex(db, values.name))
    throw new AppError("conflict", `an index named ${quoted(values.name)} already exists`);
  if (await findIndexByQueue(db, values.queueName))
    throw new AppError("conflict", `the queue ${quoted(values.queueName)} belongs to another index`);
  if (await queueExists(values.queueName))
    throw new AppError("conflict", `a queue named ${quoted(values.queueName)} already exists in RabbitMQ`);
  let index: LoggerIndex;
  try {
    index = await insertIndex(db, values);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError(
        "conflict",
        `an index named ${quoted(values.name)} or using its queue already exists`,
      );
    throw err;
  }
  try {
    await onBrokerConnection((conn) => assertIndexQueue(conn, exchange(), index));
  } catch (err) {
    // Without its queue the index would silently lose what is published to it: undo, and say so.
    await deleteIndex(db, index.name);
    throw err;
  }
  return index;
}

/** Changes title, retention or routing keys; new keys are bound and removed ones unbound at once. */
export async function updateIndexSettings(
  db: Db,
  name: string,
  input: UpdateIndexInput,
): Promise<LoggerIndex> {
  const before = await requireIndex(db, name);
  const changes = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined),
  ) as UpdateIndexInput;
  if (Object.keys(changes).length === 0) return before;
  const after = (await updateIndex(db, name, changes))!;
  const keysChanged = after.routingKeys.join("\n") !== before.routingKeys.join("\n");
  if (keysChanged) {
    try {
      await onBrokerConnection((conn) => assertIndexQueue(conn, exchange(), after, before.routingKeys));
    } catch (err) {
      // The bindings did not change: neither does the index, so the answer matches what RabbitMQ does.
      await updateIndex(db, name, {
        title: before.title,
        retentionDays: before.retentionDays,
        routingKeys: before.routingKeys,
      });
      throw err;
    }
  }
  return after;
}

async function deleteQueueIfExists(queue: string): Promise<void> {
  try {
    await onBroker((ch) => ch.deleteQueue(queue));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Glob-escapes a string for Redis SCAN MATCH. */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

async function deleteValueKeys(redis: Redis, index: string): Promise<number> {
  const pattern = `${globEscape(valuesKey(env.REDIS_PREFIX, index, ""))}*`;
  let deleted = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
    if (keys.length) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  return deleted;
}

/**
 * Deletes an index: its row (columns and saved searches cascade, viewers lose it from their allowed indexes), then
 * its queues, then its Redis values; the supervisor's sync loop drops its tables and their files. The row goes
 * first so that no collector re-declares the queues for an index that still exists.
 */
export async function deleteIndexEverywhere(db: Db, redis: Redis, name: string): Promise<void> {
  const index = await requireIndex(db, name);
  // Refuse while RabbitMQ is away rather than leave a queue filling up with nobody to consume it.
  await onBroker(() => Promise.resolve());
  await db.transaction(async (tx) => {
    await tx.delete(loggerIndexes).where(eq(loggerIndexes.name, index.name));
    await tx
      .update(users)
      .set({ allowedIndexes: sql`array_remove(${users.allowedIndexes}, ${index.name})` })
      .where(sql`${index.name} = ANY(${users.allowedIndexes})`);
  });
  await deleteQueueIfExists(index.queueName);
  await deleteQueueIfExists(deadLetterQueue(index.queueName));
  try {
    await deleteValueKeys(redis, index.name);
  } catch (err) {
    console.error(`redis: values of deleted index ${index.name} not removed: ${(err as Error).message}`);
    throw new AppError(
      "unavailable",
      `the index is deleted, but Redis did not answer and still holds its field values; delete it again later to remove them`,
    );
  }
}

export type AdminColumn = Pick<
  LoggerColumn,
  "name" | "filtered" | "display" | "excluded" | "context" | "indexed" | "firstSeenAt"
>;

function adminColumn(c: LoggerColumn): AdminColumn {
  const { name, filtered, display, excluded, context, indexed, firstSeenAt } = c;
  return { name, filtered, display, excluded, context, indexed, firstSeenAt };
}

export async function listIndexColumns(db: Db, name: string): Promise<AdminColumn[]> {
  const index = await requireIndex(db, name);
  return (await listColumns(db, index.name)).map(adminColumn);
}

/** Changes column flags; collectors load them on their next refresh, so they apply to records indexed from then. */
export async function updateIndexColumns(
  db: Db,
  name: string,
  input: UpdateColumnsInput,
): Promise<AdminColumn[]> {
  const index = await requireIndex(db, name);
  const known = new Set((await listColumns(db, index.name)).map((c) => c.name));
  const unknown = input.columns.filter((c) => !known.has(c.name)).map((c) => quoted(c.name));
  if (unknown.length)
    throw new AppError(
      "bad_request",
      `columns: ${unknown.slice(0, 10).join(", ")} not seen in ${index.name}`,
    );
  await db.transaction(async (tx) => {
    for (const { name: column, ...flags } of input.columns) {
      const set = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length)
        await tx
          .update(loggerColumns)
          .set(set)
          .where(and(eq(loggerColumns.indexName, index.name), eq(loggerColumns.name, column)));
    }
  });
  return (await listColumns(db, index.name)).map(adminColumn);
}
