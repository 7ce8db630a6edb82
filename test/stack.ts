/**
 * One isolated stack on the local services: its own PostgreSQL database, Redis key prefix, AMQP exchange and a
 * searchd on a free port with its own data dir, kept in step with the logger indexes by the same sync loop
 * production uses. Used by the integration tests (vitest) and the browser tests (Playwright).
 */
import amqp from "amqplib";
import { Redis } from "ioredis";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDb, getDb } from "@/db/client";
import { dropDatabase, ensureDatabase, migrateDatabase } from "@/db/migrate";
import { deadLetterExchange, liveExchange } from "@/lib/amqp/topology";
import { EngineSync } from "@/lib/indexes/engine-sync";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { checkServices } from "@/lib/ops/check-services";

export type StackEnv = {
  DATABASE_URL: string;
  SEARCHD_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  AMQP_URL: string;
  AMQP_EXCHANGE: string;
  ALCO_TEST_RUN: string;
  ALCO_TEST_SEARCHD_DIR: string;
};

export async function startStack(label: string): Promise<{ env: StackEnv; stop: () => Promise<void> }> {
  const run = `${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const base = {
    database: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    redis: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    amqp: process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  };
  const problems = await checkServices(base);
  if (problems.length) throw new Error(`tests need the local services:\n- ${problems.join("\n- ")}`);

  const dbUrl = new URL(base.database);
  dbUrl.pathname = `/alco_${run}`;
  const databaseUrl = dbUrl.toString();
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-searchd-"));
  const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
  await supervisor.start([]);
  const sync = new EngineSync(supervisor, getDb(databaseUrl), 300, (l) => console.log(`[engine-sync] ${l}`));
  await sync.start();

  const exchange = `alco_${run}`;
  const env: StackEnv = {
    DATABASE_URL: databaseUrl,
    SEARCHD_URL: `127.0.0.1:${supervisor.port}`,
    REDIS_URL: base.redis,
    REDIS_PREFIX: `alco_${run}:`,
    AMQP_URL: base.amqp,
    AMQP_EXCHANGE: exchange,
    ALCO_TEST_RUN: run,
    ALCO_TEST_SEARCHD_DIR: dataDir,
  };
  const stop = async () => {
    await cleanupBrokerAndRedis(base, exchange, env.REDIS_PREFIX);
    await sync.stop();
    await supervisor.stop();
    await closeDb(databaseUrl);
    await dropDatabase(databaseUrl).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
  return { env, stop };
}

/** Test files delete their own queues; this removes the run's exchanges and Redis keys. */
async function cleanupBrokerAndRedis(
  base: { redis: string; amqp: string },
  exchange: string,
  prefix: string,
) {
  const conn = await amqp.connect(base.amqp);
  const ch = await conn.createChannel();
  await ch.deleteExchange(exchange);
  await ch.deleteExchange(deadLetterExchange(exchange));
  await ch.deleteExchange(liveExchange(exchange));
  await conn.close();
  const redis = new Redis(base.redis);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}
