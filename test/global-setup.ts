/**
 * One isolated stack per integration run: its own PostgreSQL database, Redis key prefix, AMQP exchange and a
 * searchd on a free port with its own data dir, kept in step with the test's logger indexes by the same sync
 * loop production uses. Test files read the addresses from the environment set here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getDb, closeDb } from "@/db/client";
import { dropDatabase, ensureDatabase, migrateDatabase } from "@/db/migrate";
import { EngineSync } from "@/lib/engine/engine-sync";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { checkServices } from "@/lib/ops/check-services";
import amqp from "amqplib";
import { Redis } from "ioredis";
import { deadLetterExchange } from "@/lib/amqp/topology";

export default async function setup() {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const base = {
    database: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    redis: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    amqp: process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672",
  };
  const problems = await checkServices(base);
  if (problems.length)
    throw new Error(`integration tests need the local services:\n- ${problems.join("\n- ")}`);

  const dbUrl = new URL(base.database);
  dbUrl.pathname = `/alco_test_${run}`;
  const databaseUrl = dbUrl.toString();
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);

  const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-searchd-"));
  const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
  await supervisor.start([]);
  const sync = new EngineSync(supervisor, getDb(databaseUrl), 300, (l) => console.log(`[engine-sync] ${l}`));
  await sync.start();

  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    SEARCHD_URL: `127.0.0.1:${supervisor.port}`,
    REDIS_URL: base.redis,
    REDIS_PREFIX: `alco_test_${run}:`,
    AMQP_URL: base.amqp,
    AMQP_EXCHANGE: `alco_test_${run}`,
    ALCO_TEST_RUN: run,
    ALCO_TEST_SEARCHD_DIR: dataDir,
  });

  return async () => {
    await cleanupBrokerAndRedis(base, `alco_test_${run}`);
    await sync.stop();
    await supervisor.stop();
    await closeDb(databaseUrl);
    await dropDatabase(databaseUrl).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };
}

/** Test files delete their own queues; this removes the run's exchanges and Redis keys. */
async function cleanupBrokerAndRedis(base: { redis: string; amqp: string }, run: string) {
  const conn = await amqp.connect(base.amqp);
  const ch = await conn.createChannel();
  await ch.deleteExchange(run);
  await ch.deleteExchange(deadLetterExchange(run));
  await conn.close();
  const redis = new Redis(base.redis);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${run}:*`, "COUNT", 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  await redis.quit();
}
