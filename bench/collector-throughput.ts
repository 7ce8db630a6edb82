/**
 * Collector throughput vs the engine's raw bulk insert rate, measured in one run on the same machine, same rows,
 * same table schema, so the ratio holds even when the machine is noisy.
 *
 *   npm run bench:throughput -- [--records 200000] [--batch 2000] [--baseline <commit>] [--no-write]
 *
 * (`npm run bench` and `npm run bench:order` run this as their first part: bench/scale.ts, bench/order-cost.ts.)
 *
 * 1. Raw: the generated records, normalised up front, written with REPLACE statements of --batch rows on one
 *    connection, back to back. This is the ceiling: nothing but the engine's work. It runs twice, into tables
 *    as they are and into tables without the `seq` attribute (rows written as before it existed), which is what
 *    the order of lines costs the engine on writes.
 * 2. Collector: the same records published (with confirms) into the index's queue first, then the collector
 *    process (workers/collector.ts) started against the full queue; timed from its first stored batch to the last.
 *    With --baseline, the collector of that commit too (the code before a change), twice each, interleaved.
 * 3. Raw again, both kinds, in the reverse order, so that each ceiling is the mean of runs on either side of the
 *    collector's.
 * Results are appended to docs/BENCHMARKS.md unless --no-write.
 */
import { machine, prependSection, runBench, stamp } from "./results";
import amqp from "amqplib";
import { execFileSync, execSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { closeDb, getDb } from "@/db/client";
import { dropDatabase, ensureDatabase, migrateDatabase } from "@/db/migrate";
import { assertIndexQueue, deadLetterExchange, deleteIndexQueue } from "@/lib/amqp/topology";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import { COLLECTOR_NODE_FLAGS } from "@/lib/collector/node-flags";
import { createEngine, type Engine } from "@/lib/engine/engine-client";
import { EngineSync } from "@/lib/indexes/engine-sync";
import { utcDayStart } from "@/lib/engine/retention";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import {
  countTableSql,
  dailyTableName,
  describeTableSql,
  lacksOrderColumn,
  replaceRowsSql,
  sqlString,
  truncateSql,
  type EngineRow,
} from "@/lib/engine/sphinxql-dialect";
import { chunkRows } from "@/lib/engine/write-rows";
import { createIndex } from "@/lib/indexes/logger-indexes";
import { normalizeRecord } from "@/lib/records/normalize-record";
import { buildWorkers, collectorArgs } from "../test/collector-command";
import { plainRow } from "./corpus";

const AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";
const REDIS_URL = "redis://127.0.0.1:6379";

const log = (l: string) => console.log(`[bench] ${l}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type ThroughputResult = {
  /** Raw insert into the tables as they are now (mean of the runs before and after the collector's). */
  rawRate: number;
  /** Raw insert into tables without the `seq` attribute, rows written as before it existed. */
  rawWithoutSeqRate: number;
  collectorRate: number;
  ratio: number;
  /** The collector of another commit, drained in the same run; null if none was given. */
  baseline: { commit: string; collectorRate: number; peakRss: number } | null;
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

/**
 * The production collector of another commit (the code before a change, to measure what the change costs): that
 * commit's tree in a temporary directory, bundled by its own scripts/build-workers.mjs against this checkout's
 * node_modules, run with this checkout's COLLECTOR_NODE_FLAGS.
 */
export async function baselineCollector(
  commit: string,
): Promise<{ args: string[]; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "alco-baseline-"));
  const root = path.resolve(import.meta.dirname, "..");
  execSync(`git archive ${commit} | tar -x -C ${JSON.stringify(dir)}`, { cwd: root, stdio: "pipe" });
  await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  execFileSync(process.execPath, [path.join(dir, "scripts/build-workers.mjs")], { stdio: "pipe" });
  return {
    args: [...COLLECTOR_NODE_FLAGS, path.join(dir, "dist/workers/collector.mjs")],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * A REPLACE as the collector wrote it before records had a `seq` (lib/engine/sphinxql-dialect.ts up to the order
 * change): the baseline of the raw insert without the column, not production code.
 */
function replaceRowsWithoutSeqSql(table: string, rows: EngineRow[]): string {
  const values = rows.map(
    (r) =>
      `(${r.id},${sqlString(r.message)},${sqlString(r.fieldsText)},${sqlString(r.message)},${Math.trunc(r.ts)},` +
      `${r.lvl >>> 0},${sqlString(r.level)},${sqlString(r.logger)},${sqlString(r.host)},${sqlString(r.json)})`,
  );
  return `REPLACE INTO ${table} (id, message, fields, msg, ts, lvl, level, logger, host, js) VALUES ${values.join(",")}`;
}

const hasSeq = async (engine: Engine, table: string) =>
  !lacksOrderColumn(await engine.query<Record<string, unknown>>(describeTableSql(table)));

type Drain = { rate: number; totalRate: number; startupSeconds: number; peakRss: number };

export async function measureThroughput(opts: {
  records: number;
  batch: number;
  /** A commit whose collector is drained too, interleaved with this one's. */
  baseline?: string;
}): Promise<ThroughputResult> {
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

  const baseline = opts.baseline ? await baselineCollector(opts.baseline) : null;
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
    const oldIndex = await createIndex(db, { name: "rawold", queueName: `alco_${run}_rawold` });
    const index = await createIndex(db, { name: "bench", queueName: `alco_${run}_bench` });
    await sync.tick();

    const byDay = new Map<number, EngineRow[]>();
    records.forEach((r, i) => {
      const n = normalizeRecord(
        { body: bodies[i]!, routingKey: r.routingKey, messageId: r.messageId, receivedAt: Date.now() },
        { maxBytes: 2 ** 21, logcollectTimeZone: "UTC" },
      );
      if (!n.ok) throw new Error(n.reason);
      const day = utcDayStart(n.record.ts);
      const list = byDay.get(day) ?? [];
      list.push(plainRow(n.record));
      byDay.set(day, list);
    });
    // The tables of the baseline insert as they were before the column: the same tables with it dropped (the
    // supervisor adds it back only to tables new to a reload, and none are).
    for (const table of supervisor.tables.filter((t) => t.startsWith("rawold_"))) {
      if (await hasSeq(engine, table)) await engine.query(`ALTER TABLE ${table} DROP COLUMN seq`);
    }
    if (!(await hasSeq(engine, dailyTableName("raw", [...byDay.keys()][0]!))))
      throw new Error("the day tables have no seq column: nothing to compare");

    const rawInsert = async (prefix: "raw" | "rawold"): Promise<number> => {
      const render = prefix === "raw" ? replaceRowsSql : replaceRowsWithoutSeqSql;
      for (const day of byDay.keys()) await engine.query(truncateSql(dailyTableName(prefix, day)));
      const started = performance.now();
      for (const [day, tableRows] of byDay) {
        const table = dailyTableName(prefix, day);
        for (const chunk of chunkRows(tableRows, 16 * 2 ** 20, BATCH))
          await engine.query(render(table, chunk));
      }
      const seconds = (performance.now() - started) / 1000;
      const stored = Number((await engine.query<{ n: string }>(countTableSql(prefix)))[0]!.n);
      if (stored !== N) throw new Error(`raw insert into ${prefix} stored ${stored} of ${N}`);
      if (prefix === "rawold" && (await hasSeq(engine, dailyTableName(prefix, [...byDay.keys()][0]!))))
        throw new Error("the baseline table got its seq column back during the run");
      const rate = N / seconds;
      log(`raw engine insert ${prefix === "raw" ? "with" : "without"} seq: ${Math.round(rate)} rows/s`);
      return rate;
    };

    const conn = await amqp.connect(AMQP_URL);
    const ch = await conn.createConfirmChannel();
    await assertIndexQueue(conn, { name: exchange, durable: true, log }, index);
    let pubRate = 0;
    /** The records published into the index's queue first, then a collector process started against it. */
    const drain = async (command: string[], label: string): Promise<Drain> => {
      for (const day of byDay.keys()) await engine.query(truncateSql(dailyTableName("bench", day)));
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
      pubRate ||= N / ((performance.now() - pubStarted) / 1000);

      // The collector as production runs it: its own process, so its heap and CPU are its own.
      const collector = spawn(
        process.execPath,
        [
          ...(process.env.BENCH_CPU_PROF
            ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
          ...command,
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
      // Peak resident set of the collector process over its life (VmHWM), read before it exits.
      const status = await readFile(`/proc/${collector.pid}/status`, "utf8");
      const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      const exited = new Promise((r) => collector.once("exit", r));
      collector.kill("SIGTERM");
      await exited;
      const result = {
        // Steady state: from the first stored batch to the last, the part that compares with the raw insert loop.
        rate: (N - firstCount) / ((doneAt - firstAt) / 1000),
        totalRate: N / ((doneAt - colStarted) / 1000),
        startupSeconds: (firstAt - colStarted) / 1000,
        peakRss,
      };
      log(
        `${label}: ${Math.round(result.rate)} records/s steady, ${Math.round(result.totalRate)}/s including ${result.startupSeconds.toFixed(2)} s start-up; peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
      );
      return result;
    };

    // Each kind runs as often before the middle of the run as after it (ABBA), so that searchd's background work
    // and the machine's drift weigh on every kind alike; each figure is the mean of its runs.
    const rawWith: number[] = [];
    const rawWithout: number[] = [];
    const current: Drain[] = [];
    const previous: Drain[] = [];
    rawWithout.push(await rawInsert("rawold"));
    rawWith.push(await rawInsert("raw"));
    for (const kind of baseline ? ["baseline", "current", "current", "baseline"] : ["current"]) {
      if (kind === "current") current.push(await drain(collectorCommand(), "collector"));
      else previous.push(await drain(baseline!.args, `collector of ${opts.baseline}`));
    }
    rawWith.push(await rawInsert("raw"));
    rawWithout.push(await rawInsert("rawold"));

    for (const i of [index, rawIndex, oldIndex]) await deleteIndexQueue(ch, i);
    await ch.deleteExchange(exchange);
    await ch.deleteExchange(deadLetterExchange(exchange));
    await conn.close();

    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const rawRate = mean(rawWith);
    const rawWithoutSeqRate = mean(rawWithout);
    const collectorRate = mean(current.map((d) => d.rate));
    const ratio = collectorRate / rawRate;
    const peakRss = Math.max(...current.map((d) => d.peakRss));
    const first = current[0]!;
    const runs = (v: number[]) => v.map((x) => Math.round(x)).join(" / ");
    log(`collector: ${Math.round(collectorRate)} records/s (${ratio.toFixed(2)}x raw with seq)`);
    const tableRows = [
      `| corpus | ${N} generated records (seed 7: logcollect/winston/pino mix), ${(rawBytes / 2 ** 20).toFixed(1)} MiB of JSON |`,
      `| raw engine bulk insert (${BATCH} rows/statement, 1 connection), tables without \`seq\`, first / last run of the benchmark | ${runs(rawWithout)} rows/s |`,
      `| raw engine bulk insert, tables with \`seq\`, before / after the collector runs | ${runs(rawWith)} rows/s |`,
      `| **raw with seq / raw without (means)** | **${(rawRate / rawWithoutSeqRate).toFixed(2)}×** |`,
      `| publish with confirms (1 publisher) | ${Math.round(pubRate)} msg/s |`,
      `| collector, draining a pre-filled queue (first stored batch to last)${current.length > 1 ? ", each run" : ""} | ${runs(current.map((d) => d.rate))} records/s |`,
      `| the same including start-up (connect, declare, first batch: ${first.startupSeconds.toFixed(2)} s) | ${Math.round(first.totalRate)} records/s |`,
      `| **collector / raw with seq (means)** | **${ratio.toFixed(2)}×** (target ≥ 0.9×) |`,
      ...(baseline
        ? [
            `| collector of ${opts.baseline} (before the change), each run | ${runs(previous.map((d) => d.rate))} records/s |`,
            `| **collector / collector of ${opts.baseline} (means)** | **${(collectorRate / mean(previous.map((d) => d.rate))).toFixed(2)}×** |`,
            `| the same ratio before the change: collector of ${opts.baseline} / raw without seq (means) | ${(mean(previous.map((d) => d.rate)) / rawWithoutSeqRate).toFixed(2)}× |`,
          ]
        : []),
      `| collector process peak RSS (VmHWM) | ${Math.round(peakRss / 2 ** 20)} MiB (\`${collectorCommand()
        .map((a) => path.relative(process.cwd(), a) || a)
        .join(" ")}\`) |`,
    ];
    return {
      rawRate,
      rawWithoutSeqRate,
      collectorRate,
      ratio,
      baseline:
        baseline && opts.baseline
          ? {
              commit: opts.baseline,
              collectorRate: mean(previous.map((d) => d.rate)),
              peakRss: Math.max(...previous.map((d) => d.peakRss)),
            }
          : null,
      peakRss,
      rows: tableRows,
    };
  } finally {
    await engine.close();
    await sync.stop();
    await supervisor.stop();
    await closeDb(DATABASE_URL);
    await dropDatabase(DATABASE_URL).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
    await baseline?.remove();
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
      baseline: { type: "string" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const N = Number(args.records);
  const BATCH = Number(args.batch);
  const result = await measureThroughput({ records: N, batch: BATCH, baseline: args.baseline });
  if (!args["no-write"]) {
    await prependSection([
      `## Collector throughput vs raw engine insert — ${stamp()}`,
      "",
      `Command: \`npm run bench:throughput -- --records ${N} --batch ${BATCH}${args.baseline ? ` --baseline ${args.baseline}` : ""}\``,
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
