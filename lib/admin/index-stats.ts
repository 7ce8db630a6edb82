/**
 * What the admin pages show about each logger index: its settings and live numbers from RabbitMQ (queue depth,
 * consumers, dead letters) and the engine (records stored, the last five minutes, size). Each number comes from
 * its own source and is null when that source cannot answer, so one service being down never hides the rest.
 */
import "server-only";
import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { deadLetterQueue } from "@/lib/amqp/topology";
import type { Engine } from "@/lib/engine/engine-client";
import {
  countTableSql,
  parseDailyTableName,
  tableBytesFromStatus,
  tableStatusSql,
} from "@/lib/engine/sphinxql-dialect";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { queueCounts } from "./broker";

export type IndexStats = {
  /** Messages waiting in the index's queue. */
  queueDepth: number | null;
  /** Collectors consuming it. */
  consumers: number | null;
  deadLetters: number | null;
  recordsStored: number | null;
  /** Records with a time in the last five minutes. */
  last5m: number | null;
  /** Size of its daily tables on disk (disk chunks and the saved RAM chunks). */
  diskBytes: number | null;
};

export type AdminIndex = Pick<
  LoggerIndex,
  "name" | "title" | "retentionDays" | "routingKeys" | "queueName" | "durable"
> & { stats: IndexStats };

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  return p.catch(() => null);
}

async function storedCount(engine: Engine, name: string): Promise<number> {
  const rows = await engine.query<{ n: unknown }>(countTableSql(name));
  return Number(rows[0]?.n ?? 0);
}

/** One statement per table: 2.2 hangs on SHOW INDEX STATUS inside a multi-statement batch. */
async function tablesBytes(engine: Engine, tables: string[]): Promise<number | null> {
  const flavor = await engine.flavor();
  const sizes = await Promise.all(
    tables.map(async (t) => tableBytesFromStatus(await engine.query(tableStatusSql(t)), flavor)),
  );
  return sizes.some((s) => s === null) ? null : sizes.reduce<number>((a, b) => a + b!, 0);
}

/** Every index (or only the one named) by name, with its settings and stats. */
export async function listAdminIndexes(db: Db, engine: Engine, only?: string): Promise<AdminIndex[]> {
  const all = await listIndexes(db);
  const names = new Set(all.map((i) => i.name));
  const indexes = only === undefined ? all : all.filter((i) => i.name === only);
  if (indexes.length === 0) return [];
  const [served, volumes] = await Promise.all([
    orNull(engine.tables()),
    orNull(listIndexVolumes(db, engine)),
  ]);
  const last5m = new Map(volumes?.map((v) => [v.name, v.last5m]));
  return Promise.all(
    indexes.map(async (index) => {
      // A table named like `<index>_<yyyymmdd>` may also be another index's distributed table: not one of ours.
      const daily = served
        ? [...served].filter((t) => parseDailyTableName(t)?.index === index.name && !names.has(t))
        : [];
      const isServed = served?.has(index.name) ?? false;
      const [queue, dead, recordsStored, diskBytes] = await Promise.all([
        queueCounts(index.queueName),
        queueCounts(deadLetterQueue(index.queueName)),
        isServed ? orNull(storedCount(engine, index.name)) : null,
        daily.length ? orNull(tablesBytes(engine, daily)) : null,
      ]);
      return {
        name: index.name,
        title: index.title,
        retentionDays: index.retentionDays,
        routingKeys: index.routingKeys,
        queueName: index.queueName,
        durable: index.durable,
        stats: {
          queueDepth: queue?.messages ?? null,
          consumers: queue?.consumers ?? null,
          deadLetters: dead?.messages ?? null,
          recordsStored,
          last5m: last5m.get(index.name) ?? null,
          diskBytes,
        },
      };
    }),
  );
}
