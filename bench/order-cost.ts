/**
 * What the order of lines costs (docs/OPERATIONS.md "Order of lines"): reads in (ts, seq, id) order against the
 * (ts, id) order before it, and writes with the `seq` attribute against without, at 1M and 10M records, in one
 * run on one corpus (`npm run bench:order`):
 *
 *   npm run bench:order -- [--sizes 1000000,10000000] [--runs 30] [--throughput-records 200000]
 *                          [--baseline <commit>] [--load collector|direct] [--no-write]
 *
 * 1. Writes (bench/collector-throughput.ts): raw insert into tables with and without `seq`, the collector against
 *    raw, and with --baseline the collector of that commit (the code before the change), interleaved.
 * 2. The scale corpus (bench/corpus.ts: the seed, mix and 10-day span of `npm run bench`) through the real path,
 *    AMQP → collector → engine, or with `--load direct` written as the collector writes it without AMQP
 *    (bench/corpus.ts writeDirect: the same rows, seq included, several times faster). At each size, the reads the reader makes, each asked both ways: with the SQL the
 *    dialect writes, and with that SQL rewritten to the order before (toOldOrder, below) by a wrapper around
 *    the engine connection. Both run the production query code (searchRecords, recordContext) in this process:
 *    the route handler's work without the token check and HTTP, which the order does not touch and which would
 *    only dilute the ratio. Old and new alternate within every round, each going first every other round, so
 *    that the machine's noise falls on both alike.
 * Results go to docs/BENCHMARKS.md unless --no-write.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { dailyTables } from "@/lib/engine/retention";
import { flushTableSql } from "@/lib/engine/sphinxql-dialect";
import { cursorOf } from "@/lib/query/cursor";
import { recordContext } from "@/lib/query/record-context";
import { contextParamsSchema } from "@/lib/query/reader-schema";
import { grepParamsSchema } from "@/lib/query/schema";
import { searchRecords } from "@/lib/query/search-records";
import type { ContextResult, GrepResult } from "@/lib/query/wire";
import { startStack } from "../test/stack";
import { collectorCommand, measureThroughput, type ThroughputResult } from "./collector-throughput";
import { engineDiskBytes, ingestTo, percentile, writeDirect, type Corpus } from "./corpus";
import { machine, prependSection, runBench, stamp } from "./results";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    runs: { type: "string", default: "30" },
    "throughput-records": { type: "string", default: "200000" },
    baseline: { type: "string" },
    load: { type: "string", default: "collector" },
    "no-write": { type: "boolean", default: false },
  },
});
const SIZES = args.sizes
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const RUNS = Number(args.runs);
if (args.load !== "collector" && args.load !== "direct") throw new Error("--load: collector or direct");
const SPAN_DAYS = 10;
const RETENTION_DAYS = SPAN_DAYS + 4;
const log = (l: string) => console.log(`[bench] ${l}`);
const MiB = 2 ** 20;
const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));

// ------------------------------------------------------------------------------------------ the order before

/**
 * A statement of the dialect in the order before `seq`: `ORDER BY ts, id` and the 2-key keyset
 * `(ts < T OR id < I) AS kc`, without the `seq` column, the rest as it is. This is the baseline the benchmark
 * measures against, not production code. It refuses a statement that orders records without `seq` (the
 * benchmark would compare a thing with itself) and one that still names `seq` after the rewrite (a form it does
 * not know).
 */
export function toOldOrder(sql: string): string {
  const ordersRecords = /ORDER BY ts (ASC|DESC)/.test(sql);
  if (!ordersRecords) return sql;
  if (!/ORDER BY ts (ASC|DESC), seq \1, id \1/.test(sql))
    throw new Error(`not in (ts, seq, id) order, nothing to compare: ${sql.slice(0, 400)}`);
  const old = sql
    .replace(/ORDER BY ts (ASC|DESC), seq \1, id \1/g, "ORDER BY ts $1, id $1")
    .replace(
      /\(ts < (\d+) OR \(ts = \1 AND \(seq < (\d+) OR \(seq = \2 AND id < (\d+)\)\)\)\) AS kc/g,
      "(ts < $1 OR id < $3) AS kc",
    )
    .replace(
      /\(ts >= (\d+) AND \(ts > \1 OR seq > (\d+) OR \(seq = \2 AND id > (\d+)\)\)\) AS kc/g,
      "(ts > $1 OR id > $3) AS kc",
    )
    .replace(/, seq(?=, | FROM )/g, "")
    .replace(/SELECT seq, /g, "SELECT ");
  if (/\bseq\b/.test(old)) throw new Error(`seq left after the rewrite to (ts, id): ${old.slice(0, 400)}`);
  return old;
}

/**
 * The engine connection with every statement sent in the order before. Its rows have no `seq`, which
 * toLogRecord reads as 0, as it does for a table not yet given the column.
 */
function inOldOrder(engine: Engine): Engine {
  return {
    ...engine,
    query: <T>(sql: string) => engine.query<T>(toOldOrder(sql)),
    queryMulti: (sql: string) => engine.queryMulti(toOldOrder(sql)),
  };
}

// ------------------------------------------------------------------------------------------------- the reads

type Variant = "old" | "new";
type Timing = { p50: number; p99: number };
type Answer = { name: string; old: Timing; new: Timing; rows: number; rounds: number };

/** What a read returned, to check that both orders answered the same question. */
type Shape = { rows: number; ts: number[] | null };

/**
 * A read the reader makes: `prepare` finds its input with one variant's engine (a cursor is a position in that
 * variant's order) and returns the read itself. `sameTimes`: both orders must return the same times in the same
 * sequence (they differ only in how they order records of one millisecond).
 */
type Read = {
  name: string;
  sameTimes: boolean;
  /** Both sides in the order before: how far apart two runs of one thing come out, the noise. */
  control?: boolean;
  prepare: (engine: Engine) => Promise<() => Promise<Shape>>;
};

const target = { name: "lines", retentionDays: RETENTION_DAYS };

const grep = (engine: Engine, query: Record<string, string>) =>
  searchRecords(engine, target, grepParamsSchema.parse({ limit: "100", ...query }));

const pageShape = (r: GrepResult): Shape => ({ rows: r.records.length, ts: r.records.map((x) => x.ts) });
const contextShape = (r: ContextResult | null): Shape => ({ rows: r?.records.length ?? 0, ts: null });

/** Page `depth` of `q`, newest first, paged down by cursor as the reader does. */
async function pageAt(engine: Engine, q: string, depth: number): Promise<GrepResult> {
  let page = await grep(engine, { q });
  for (let i = 1; i < depth && page.cursors.older; i++) {
    const below = await grep(engine, { q, before: page.cursors.older });
    if (!below.cursors.older) break;
    page = below;
  }
  return page;
}

function reads(needle: string): Read[] {
  const first = (name: string, q: string): Read => ({
    name,
    sameTimes: true,
    prepare: (engine) => Promise.resolve(async () => pageShape(await grep(engine, { q }))),
  });
  /** The context view of the line in the middle of page 50 of "orders", in the requests the reader sends. */
  const around = async (engine: Engine) => {
    const page = await pageAt(engine, "orders", 50);
    const r = page.records[Math.floor(page.records.length / 2)]!;
    // The reader's default scope, "source": the line's host and logger.
    const filter = [`host:${r.host}`, `logger:${r.logger}`];
    const at = cursorOf(r);
    const wide = await recordContext(
      engine,
      target,
      contextParamsSchema.parse({ at, before: "100", after: "100", filter }),
    );
    return { at, filter, wide };
  };
  const context = (
    name: string,
    params: (c: Awaited<ReturnType<typeof around>>) => Record<string, unknown>,
  ): Read => ({
    name,
    sameTimes: false,
    prepare: async (engine) => {
      const c = await around(engine);
      const p = contextParamsSchema.parse(params(c));
      return async () => contextShape(await recordContext(engine, target, p));
    },
  });
  return [
    first("first page, no query (the reader's landing page)", ""),
    first("first page, common word: orders", "orders"),
    first("first page, rare word (one of a kind, like a trace id)", needle),
    first("first page, field filter: level:error", "level:error"),
    {
      ...first("control: first page of orders in the order before, against itself", "orders"),
      control: true,
    },
    {
      name: 'next page at page 50 of "orders"',
      sameTimes: true,
      prepare: async (engine) => {
        const page = await pageAt(engine, "orders", 50);
        return async () => pageShape(await grep(engine, { q: "orders", before: page.cursors.older ?? "" }));
      },
    },
    {
      name: 'previous page at page 50 of "orders"',
      sameTimes: true,
      prepare: async (engine) => {
        const page = await pageAt(engine, "orders", 50);
        return async () => pageShape(await grep(engine, { q: "orders", after: page.cursors.newer ?? "" }));
      },
    },
    context("context: open on a line (the line alone)", (c) => ({ at: c.at, before: "0", after: "0" })),
    context("context: 100 lines either side, same host and logger", (c) => ({
      at: c.at,
      before: "100",
      after: "100",
      filter: c.filter,
    })),
    context("context: 100 older lines (scrolling up)", (c) => ({
      at: c.wide?.cursors.older ?? c.at,
      before: "100",
      after: "0",
      filter: c.filter,
    })),
    context("context: 100 newer lines (scrolling down)", (c) => ({
      at: c.wide?.cursors.newer ?? c.at,
      before: "0",
      after: "100",
      filter: c.filter,
    })),
  ];
}

/**
 * Reads of a few milliseconds are asked more often, until each side has spent MIN_SPENT_MS (at most 10× the
 * rounds): at that size the machine's jitter is a large part of a p50.
 */
const MIN_SPENT_MS = 2000;

async function timeRead(read: Read, engines: Record<Variant, Engine>): Promise<Answer> {
  const run = {
    old: await read.prepare(engines.old),
    new: await read.prepare(read.control ? engines.old : engines.new),
  };
  const times: Record<Variant, number[]> = { old: [], new: [] };
  const spent = { old: 0, new: 0 };
  const shapes: Partial<Record<Variant, Shape>> = {};
  let rounds = 0;
  for (let i = 0; i < RUNS + 2 || (Math.min(spent.old, spent.new) < MIN_SPENT_MS && i < 10 * RUNS + 2); i++) {
    for (const v of (i % 2 ? ["new", "old"] : ["old", "new"]) as Variant[]) {
      const t0 = performance.now();
      const shape = await run[v]();
      const took = performance.now() - t0;
      // Two warm-up rounds: the first read of a kind loads the engine's dictionaries and the code's paths.
      if (i >= 2) times[v].push(took);
      spent[v] += took;
      shapes[v] ??= shape;
    }
    if (i >= 2) rounds++;
  }
  const [a, b] = [shapes.old!, shapes.new!];
  if (a.rows !== b.rows || (read.sameTimes && a.ts!.join() !== b.ts!.join()))
    throw new Error(`${read.name}: the two orders answered differently (${a.rows} rows against ${b.rows})`);
  const timing = (v: Variant) => ({ p50: percentile(times[v], 50), p99: percentile(times[v], 99) });
  return { name: read.name, old: timing("old"), new: timing("new"), rows: b.rows, rounds };
}

// ------------------------------------------------------------------------------------------------------ main

type SizeResult = {
  size: number;
  ingestRate: number;
  diskBytes: number;
  answers: Answer[];
};

/** An isolated stack (test/stack.ts) with one index and the production collector; no web app is needed. */
async function startCollectorStack() {
  const { env, stop } = await startStack("order");
  Object.assign(process.env, env);
  const helpers = await import("../test/helpers");
  const index = await helpers.createTestIndex({
    name: target.name,
    queueName: `alco_${env.ALCO_TEST_RUN}_lines`,
    retentionDays: RETENTION_DAYS,
  });
  const collector: ChildProcess = spawn(process.execPath, collectorCommand(), {
    env: { ...process.env, ...env, METRICS_PORT: "0", INDEX_REFRESH_MS: "300" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    env,
    index,
    collector,
    stop: async () => {
      const exited = new Promise((r) => collector.once("exit", r));
      collector.kill("SIGTERM");
      await exited;
      await helpers.dropTestIndex(index);
      await stop();
    },
  };
}

async function main() {
  const startedAt = stamp();
  log(`sizes ${SIZES.join(", ")}; ${RUNS} timed rounds per read, old and new order alternating`);
  let throughput: ThroughputResult | null = null;
  if (Number(args["throughput-records"]) > 0) {
    throughput = await measureThroughput({
      records: Number(args["throughput-records"]),
      batch: 2000,
      baseline: args.baseline,
    });
  }

  const stack = await startCollectorStack();
  const engine = createEngine(parseEngineAddress(stack.env.SEARCHD_URL), { connections: 2 });
  const engines = { old: inOldOrder(engine), new: engine };
  const results: SizeResult[] = [];
  try {
    const nowMs = Date.now();
    const spanStartMs = nowMs - SPAN_DAYS * 86_400_000;
    const corpus: Corpus = {
      textFile: null,
      generator: createRecordGenerator({
        seed: 7,
        startMs: spanStartMs,
        ratePerSec: SIZES[SIZES.length - 1]! / (SPAN_DAYS * 86_400),
        index: target.name,
      }),
      written: 0,
      needle: null,
      spanStartMs,
    };
    for (const size of SIZES) {
      log(`ingesting up to ${size} records`);
      const ingest =
        args.load === "direct"
          ? await writeDirect(engine, target.name, corpus, size)
          : await ingestTo(stack, engine, corpus, size);
      log(`ingested at ${Math.round(ingest.rate)} records/s (${loadedBy})`);
      for (const t of dailyTables(target.name, RETENTION_DAYS, Date.now()))
        await engine.query(flushTableSql(t));
      const diskBytes = await engineDiskBytes(stack.env.ALCO_TEST_SEARCHD_DIR, target.name);
      log(
        `engine disk ${(diskBytes / MiB).toFixed(0)} MiB (${((diskBytes / MiB) * (1e6 / size)).toFixed(0)} per million)`,
      );
      const answers: Answer[] = [];
      for (const read of reads(corpus.needle ?? "zzzzzz")) {
        const a = await timeRead(read, engines);
        log(
          `${a.name}: old p50 ${ms(a.old.p50)} p99 ${ms(a.old.p99)} ms, new p50 ${ms(a.new.p50)} p99 ${ms(a.new.p99)} ms, new/old ${(a.new.p50 / a.old.p50).toFixed(2)} (${a.rows} rows)`,
        );
        answers.push(a);
      }
      results.push({ size, ingestRate: ingest.rate, diskBytes, answers });
      // After each size, so that a run stopped before its largest size still leaves what it measured.
      if (!args["no-write"]) await writeResults(startedAt, throughput, results, corpus.needle);
    }
  } finally {
    await engine.close();
    await stack.stop();
  }
}

const loadedBy =
  args.load === "direct"
    ? "written as the collector writes it, without AMQP: `--load direct`"
    : "publisher and collector together";
const sizeName = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const ratio = (a: Answer) => a.new.p50 / a.old.p50;
/** A read may take at most 10% longer; a write rate may be at most 10% lower. */
const slowerWithin = (r: number) => (r <= 1.1 ? "yes" : "**no**");
const rateWithin = (r: number) => (r >= 0.9 ? "yes" : "**no**");

async function writeResults(
  startedAt: string,
  throughput: ThroughputResult | null,
  results: SizeResult[],
  needle: string | null,
) {
  const command =
    `npm run bench:order -- --sizes ${SIZES.join(",")} --runs ${RUNS}` +
    (throughput ? ` --throughput-records ${args["throughput-records"]}` : " --throughput-records 0") +
    (args.baseline ? ` --baseline ${args.baseline}` : "") +
    (args.load === "direct" ? " --load direct" : "");
  const lines = [
    `## Order of lines: (ts, seq, id) against (ts, id) at ${SIZES.map(sizeName).join(" and ")} records — ${startedAt}`,
    "",
    `Command: \`${command}\``,
    `Machine: ${machine()}`,
    "",
    ...(results.length < SIZES.length
      ? [
          `Partial: written when the run had measured ${results.map((r) => sizeName(r.size)).join(" and ")}.`,
          "",
        ]
      : []),
  ];
  if (throughput) {
    const seqWrite = throughput.rawRate / throughput.rawWithoutSeqRate;
    const againstBaseline = throughput.baseline
      ? throughput.collectorRate / throughput.baseline.collectorRate
      : NaN;
    lines.push(
      "### Writes",
      "",
      "| measure | result |",
      "| --- | --- |",
      ...throughput.rows,
      "",
      `Within 10%: raw insert with \`seq\` at ${seqWrite.toFixed(2)}× the insert without it: ${rateWithin(seqWrite)}` +
        (throughput.baseline
          ? `; the collector at ${againstBaseline.toFixed(2)}× the collector before the change: ${rateWithin(againstBaseline)}.`
          : "."),
      "",
    );
  }
  lines.push(
    "### Reads",
    "",
    `The reads the reader makes, on one corpus (the generated records of \`npm run bench\` over 10 days), in rounds: each round asks a read in the old order and in the new, alternating which goes first. ${RUNS} rounds after 2 warm-up rounds, and reads of a few milliseconds more often (up to ${10 * RUNS} rounds) until each order has spent ${MIN_SPENT_MS / 1000} s. Old: the dialect's statements rewritten to \`ORDER BY ts, id\` with the keyset \`(ts < T OR id < I)\` and no \`seq\` column; new: as the dialect writes them, \`ORDER BY ts, seq, id\` with \`(ts < T OR (ts = T AND (seq < S OR (seq = S AND id < I))))\` (older) and \`(ts >= T AND (ts > T OR seq > S OR (seq = S AND id > I)))\` (newer). Both through the production query code (searchRecords, recordContext) in the benchmark's process. Wall time p50 / p99 in ms. Context: around the line in the middle of page 50 of "orders", the requests the context view sends. Rare word: \`${needle ?? "zzzzzz (no match at this size)"}\`. Within 10%: new p50 ≤ 1.10 × old p50. The control row puts the old order against itself: how far apart two sides of one read come out here. The requests' HTTP, Next.js and token check (about 8 ms each in the 2026-11-21 runs) are the same for both orders and are left out.`,
    "",
    ...results.map(
      (r) =>
        `Ingest at ${sizeName(r.size)}: ${Math.round(r.ingestRate)} records/s (${loadedBy}), engine disk ${((r.diskBytes / MiB) * (1e6 / r.size)).toFixed(0)} MiB per million records.`,
    ),
    "",
    `| read | ${results.map((r) => `${sizeName(r.size)}: rounds | old | new | new / old | within 10%`).join(" | ")} |`,
    `| --- | ${results.map(() => "--- | --- | --- | --- | ---").join(" | ")} |`,
    ...results[0]!.answers.map(
      (a, i) =>
        `| ${a.name} | ${results
          .map((r) => {
            const x = r.answers[i]!;
            return `${x.rounds} | ${ms(x.old.p50)} / ${ms(x.old.p99)} | ${ms(x.new.p50)} / ${ms(x.new.p99)} | ${ratio(x).toFixed(2)}× (p99 ${(x.new.p99 / x.old.p99).toFixed(2)}×) | ${slowerWithin(ratio(x))}`;
          })
          .join(" | ")} |`,
    ),
    "",
  );
  await prependSection(lines, { replace: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runBench(main);
