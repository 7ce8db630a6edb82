/**
 * Collector throughput vs the engine's raw bulk insert rate, measured in one run on the same machine, same rows,
 * same table schema, so the ratio holds even when the machine is noisy.
 *
 *   npm run bench:throughput -- [--records 200000] [--batch 2000] [--no-write]
 *
 * (`npm run bench` runs this as its first part: bench/scale.ts.)
 *
 * 1. Raw: the generated records, normalised up front, written with REPLACE statements of --batch rows on one
 *    connection, back to back. This is the ceiling: nothing but the engine's work.
 * 2. Collector: the same records published (with confirms) into the index's queue first, then the collector
 *    process (workers/collector.ts) started against the full queue; timed from its first stored batch to the last.
 * 3. Raw again, so that the ceiling is the mean of the runs on either side of the collector's.
 * Results are appended to docs/BENCHMARKS.md unless --no-write.
 */
import { machine, prependSection, runBench, stamp } from "./results";
import amqp from "amqplib";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { closeDb, getDb } from "@/db/client";
import { dropDatabase, ensureDatabase, migrateDatabase } from "@/db/migrate";
import { assertIndexQueue, deadLetterExchange, deleteIndexQueue } from "@/lib/amqp/topology";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import { createEngine } from "@/lib/engine/engine-client";
import { EngineSync } from "@/lib/indexes/engine-sync";
import { utcDayStart } from "@/lib/engine/retention";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import {
  ALL_DOCS_TOKEN,
  countTableSql,
  dailyTableName,
  replaceRowsSql,
  truncateSql,
  type EngineRow,
} from "@/lib/engine/sphinxql-dialect";
import { chunkRows } from "@/lib/engine/write-rows";
import { createIndex } from "@/lib/indexes/logger-indexes";
import { normalizeRecord } from "@/lib/records/normalize-record";
import { buildWorkers, collectorArgs } from "../test/collector-command";

const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const REDIS_URL = "redis://127.0.0.1:6379";

const log = (l: string) => console.log(`[bench] ${l}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ThroughputResult = {
  rawRate: number;
  collectorRate: number;
  ratio: number;
  peakRss: number;
  /** The result as rows of a two-column markdown table. */
  rows: string[];
};

/** The collector process as production runs it, built afresh once per run. */
let workersBuilt = false;

export function collectorCommand(): string[] {
  if (process.env.BENCH_COLLECTOR_ARGS) return process.env.BENCH_COLLECTOR_ARGS.split(" ");
  if (!workersBuilt) buildWorkers();
  workersBuilt = true;
  return collectorArgs();
}

export async function measureThroughput(opts: { records: number; batch: number }): Promise<ThroughputResult> {
  const N = opts.records;
  const BATCH = opts.batch;
  const run = `bench${Date.now().toString(36)}`;
  const pgBase = new URL("postgres://postgres@127.0.0.1:5432/postgres");
  pgBase.pathname = `/alco_${run}`;
  const DATABASE_URL = pgBase.toString();
  log(`${N} records, batch ${BATCH}, run ${run}`);
  const startMs = Date.now() - 20 * 60_000;
  const generator = createRecordGenerator({ seed: 7, startMs, ratePerSec: N / 600, index: "bench" });
  const records = Array.from({ length: N }, () => generator.next().value);
  const bodies = records.map((r) => Buffer.from(JSON.stringify(r.body)));
  const rawBytes = bodies.reduce((s, b) => s + b.length, 0);

  await ensureDatabase(DATABASE_URL);
  await migrateDatabase(DATABASE_URL);
  const db = getDb(DATABASE_URL);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-bench-"));
  const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
  await supervisor.start([]);
  const sync = new EngineSync(supervisor, db, 500, () => undefined);
  await sync.start();
  const engine = createEngine(supervisor.address, { connections: 1 });
  const exchange = `alco_${run}`;
  const redisPrefix = `alco_${run}:`;

  try {
    const rawIndex = await createIndex(db, { name: "raw", queueName: `alco_${run}_raw` });
    const index = await createIndex(db, { name: "bench", queueName: `alco_${run}_bench` });
    await sync.tick();

    // 1. Raw engine insert
    const rows: { table: string; row: EngineRow }[] = records.map((r, i) => {
      const n = normalizeRecord(
        { body: bodies[i]!, routingKey: r.routingKey, messageId: r.messageId, receivedAt: Date.now() },
        { maxBytes: 2 ** 21, logcollectTimeZone: "UTC" },
      );
      if (!n.ok) throw new Error(n.reason);
      const x = n.record;
      return {
        table: dailyTableName("raw", utcDayStart(x.ts)),
        row: {
          id: x.id,
          ts: x.ts,
          seq: x.seq,
          message: x.message,
          fieldsText: ALL_DOCS_TOKEN,
          lvl: x.lvl,
          level: x.level,
          logger: x.logger,
          host: x.host,
          json: JSON.stringify(x.fields),
        },
      };
    });
    const byTable = new Map<string, EngineRow[]>();
    for (const { table, row } of rows) {
      const list = byTable.get(table) ?? [];
      list.push(row);
      byTable.set(table, list);
    }
    const rawInsert = async (): Promise<number> => {
      for (const t of byTable.keys()) await engine.query(truncateSql(t));
      const started = performance.now();
      for (const [table, tableRows] of byTable) {
        for (const chunk of chunkRows(tableRows, 16 * 2 ** 20, BATCH))
          await engine.query(replaceRowsSql(table, chunk));
      }
      const seconds = (performance.now() - started) / 1000;
      const stored = Number((await engine.query<{ n: string }>(countTableSql("raw")))[0]!.n);
      if (stored !== N) throw new Error(`raw insert stored ${stored} of ${N}`);
      return N / seconds;
    };
    const rawBefore = await rawInsert();
    log(`raw engine insert: ${Math.round(rawBefore)} rows/s`);

    // 2. Collector from a pre-filled queue
    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    await assertIndexQueue(conn, { name: exchange, durable: true, log }, index);
    const pubStarted = performance.now();
    for (let i = 0; i < N; i++) {
      if (
        !ch.publish(exchange, records[i]!.routingKey, bodies[i]!, {
          persistent: true,
          messageId: records[i]!.messageId,
          contentType: "application/json",
        })
      ) {
        await new Promise((r) => ch.once("drain", r));
      }
      if (i % 5000 === 4999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    const pubRate = N / ((performance.now() - pubStarted) / 1000);
    log(`published ${N} with confirms at ${Math.round(pubRate)} msg/s`);

    // The collector as production runs it: its own process, so its heap and CPU are its own.
    const collector = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        ...collectorCommand(),
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL,
          AMQP_URL,
          AMQP_EXCHANGE: exchange,
          REDIS_URL,
          REDIS_PREFIX: redisPrefix,
          SEARCHD_URL: `127.0.0.1:${supervisor.port}`,
          BATCH_SIZE: String(BATCH),
          METRICS_PORT: "0",
        },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    const colStarted = performance.now();
    let count = 0;
    let firstAt = 0;
    let firstCount = 0;
    while (count < N) {
      await sleep(10);
      count = Number((await engine.query<{ n: string }>(countTableSql("bench")))[0]!.n);
      if (count > 0 && firstAt === 0) [firstAt, firstCount] = [performance.now(), count];
      if (collector.exitCode !== null) throw new Error(`collector exited with ${collector.exitCode}`);
    }
    const doneAt = performance.now();
    const startupSeconds = (firstAt - colStarted) / 1000;
    // Steady state: from the first stored batch to the last, the part that compares with the raw insert loop.
    const colSeconds = (doneAt - firstAt) / 1000;
    // Peak resident set of the collector process over its life (VmHWM), read before it exits.
    const status = await readFile(`/proc/${collector.pid}/status`, "utf8");
    const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    const exited = new Promise((r) => collector.once("exit", r));
    collector.kill("SIGTERM");
    await exited;
    const colRate = (N - firstCount) / colSeconds;
    const totalRate = N / ((doneAt - colStarted) / 1000);
    // The raw loop again after the collector: searchd's background work and the machine drift, and the mean of
    // the runs on either side is the fair ceiling.
    const rawAfter = await rawInsert();
    const rawRate = (rawBefore + rawAfter) / 2;
    log(`raw engine insert again: ${Math.round(rawAfter)} rows/s`);
    const ratio = colRate / rawRate;
    log(
      `collector: ${Math.round(colRate)} records/s steady (${ratio.toFixed(2)}x raw), ${Math.round(totalRate)}/s including ${startupSeconds.toFixed(2)} s start-up; collector peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
    );

    await deleteIndexQueue(ch, index);
    // The collector declared the raw index's queue too: it consumes every index there is.
    await deleteIndexQueue(ch, rawIndex);
    await ch.deleteExchange(exchange);
    await ch.deleteExchange(deadLetterExchange(exchange));
    await conn.close();

    const tableRows = [
      `| corpus | ${N} generated records (seed 7: logcollect/winston/pino mix), ${(rawBytes / 2 ** 20).toFixed(1)} MiB of JSON |`,
      `| raw engine bulk insert (${BATCH} rows/statement, 1 connection), before / after the collector run | ${Math.round(rawBefore)} / ${Math.round(rawAfter)} rows/s |`,
      `| publish with confirms (1 publisher) | ${Math.round(pubRate)} msg/s |`,
      `| collector, draining a pre-filled queue (first stored batch to last) | ${Math.round(colRate)} records/s |`,
      `| the same including start-up (connect, declare, first batch: ${startupSeconds.toFixed(2)} s) | ${Math.round(totalRate)} records/s |`,
      `| **collector / raw (mean of before and after)** | **${ratio.toFixed(2)}×** (target ≥ 0.9×) |`,
      `| collector process peak RSS (VmHWM) | ${Math.round(peakRss / 2 ** 20)} MiB (\`${collectorCommand()
        .map((a) => path.relative(process.cwd(), a) || a)
        .join(" ")}\`) |`,
    ];
    return { rawRate, collectorRate: colRate, ratio, peakRss, rows: tableRows };
  } finally {
    await engine.close();
    await sync.stop();
    await supervisor.stop();
    await closeDb(DATABASE_URL);
    await dropDatabase(DATABASE_URL).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

async function main() {
  const { values: args } = parseArgs({
    options: {
      records: { type: "string", default: "200000" },
      batch: { type: "string", default: "2000" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const N = Number(args.records);
  const BATCH = Number(args.batch);
  const result = await measureThroughput({ records: N, batch: BATCH });
  if (!args["no-write"]) {
    await prependSection([
      `## Collector throughput vs raw engine insert — ${stamp()}`,
      "",
      `Command: \`npm run bench:throughput -- --records ${N} --batch ${BATCH}\``,
      `Machine: ${machine()}`,
      "",
      "| measure | result |",
      "| --- | --- |",
      ...result.rows,
      "",
    ]);
  }
}

// Run directly (npm run bench:throughput); bench/scale.ts imports measureThroughput.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runBench(main);
