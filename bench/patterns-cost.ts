/**
 * What the patterns answer costs (docs/API.md "Patterns"): GET /api/grep/<logger>/patterns's work — reading the
 * sample in slices and clustering it — on the demo generator's records, written as the collector writes them
 * (`npm run bench:patterns`):
 *
 *   npm run bench:patterns -- [--sizes 1000000] [--runs 20] [--no-write]
 *
 * At each size, the questions the Patterns view asks, each timed `runs` times after 2 warm-up rounds through the
 * production code (searchPatterns) in this process: the route's work without the token check and HTTP. The
 * clustering alone is timed apart, on the sample the first question read. Results go to docs/BENCHMARKS.md unless
 * --no-write.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parseArgs } from "node:util";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { dailyTables } from "@/lib/engine/retention";
import { flushTableSql } from "@/lib/engine/sphinxql-dialect";
import { buildPatterns } from "@/lib/patterns/build-patterns";
import { patternsParamsSchema } from "@/lib/patterns/schema";
import { searchPatterns } from "@/lib/patterns/search-patterns";
import { searchRecords } from "@/lib/query/search-records";
import { grepParamsSchema } from "@/lib/query/schema";
import { startStack } from "../test/stack";
import { collectorCommand } from "./collector-throughput";
import { percentile, writeDirect, type Corpus } from "./corpus";
import { machine, prependSection, runBench, stamp } from "./results";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000" },
    runs: { type: "string", default: "20" },
    "no-write": { type: "boolean", default: false },
  },
});
const SIZES = args.sizes
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const RUNS = Number(args.runs);
const SPAN_DAYS = 10;
const RETENTION_DAYS = SPAN_DAYS + 4;
const target = { name: "lines", retentionDays: RETENTION_DAYS };
const log = (l: string) => console.log(`[bench] ${l}`);
const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
const sizeName = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

type Question = { name: string; params: Record<string, string> };
const QUESTIONS: Question[] = [
  { name: "last 24 hours, no query (the view's default)", params: { from: "now-24h" } },
  { name: "last 24 hours, sort=new (reads the day before too)", params: { from: "now-24h", sort: "new" } },
  { name: "last hour, no query", params: { from: "now-1h" } },
  { name: "all 10 days, no query", params: { from: `now-${SPAN_DAYS}d` } },
  { name: "last 24 hours, level:error", params: { from: "now-24h", q: "level:error" } },
];

type Timed = { name: string; p50: number; p99: number; sampleSize: number; total: number; templates: number };

async function timeQuestion(engine: Engine, q: Question): Promise<Timed> {
  const params = patternsParamsSchema.parse(q.params);
  let last = await searchPatterns(engine, target, params);
  await searchPatterns(engine, target, params);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    last = await searchPatterns(engine, target, patternsParamsSchema.parse(q.params));
    times.push(performance.now() - started);
  }
  return {
    name: q.name,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    sampleSize: last.sampleSize,
    total: last.total,
    templates: last.patterns.length,
  };
}

/** Clustering alone, on 20,000 of the corpus's newest lines as the reader gets them. */
async function timeClustering(engine: Engine): Promise<{ p50: number; lines: number }> {
  const lines = [];
  let before: string | undefined;
  while (lines.length < 20_000) {
    const page = await searchRecords(engine, target, grepParamsSchema.parse({ limit: "1000", before }));
    lines.push(...page.records.map((r) => ({ message: r.message, level: r.level, fields: r.fields })));
    if (!page.cursors.older) break;
    before = page.cursors.older;
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const started = performance.now();
    buildPatterns([{ total: lines.length, lines }]);
    if (i >= 2) times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), lines: lines.length };
}

async function startCollectorStack() {
  const { env, stop } = await startStack("patterns");
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
  const stack = await startCollectorStack();
  const engine = createEngine(parseEngineAddress(stack.env.SEARCHD_URL), { connections: 2 });
  const sections: string[] = [];
  try {
    const spanStartMs = Date.now() - SPAN_DAYS * 86_400_000;
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
      log(`writing up to ${size} records`);
      const ingest = await writeDirect(engine, target.name, corpus, size);
      log(`written at ${Math.round(ingest.rate)} records/s`);
      for (const t of dailyTables(target.name, RETENTION_DAYS, Date.now()))
        await engine.query(flushTableSql(t));
      const rows: string[] = [];
      for (const q of QUESTIONS) {
        const t = await timeQuestion(engine, q);
        log(
          `${t.name}: p50 ${ms(t.p50)} p99 ${ms(t.p99)} ms (${t.sampleSize} of ${t.total} lines, ${t.templates} templates)`,
        );
        rows.push(
          `| ${t.name} | ${ms(t.p50)} | ${ms(t.p99)} | ${t.sampleSize.toLocaleString("en")} | ${t.total.toLocaleString("en")} | ${t.templates} |`,
        );
      }
      const c = await timeClustering(engine);
      log(`clustering ${c.lines} lines: p50 ${ms(c.p50)} ms`);
      // Written when the corpus is at this size (the records so far span the first part of the 10 days).
      sections.push(
        `### ${sizeName(size)} records`,
        "",
        "| question | p50 ms | p99 ms | sample | matches | templates |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows,
        "",
        `Clustering alone (buildPatterns on ${c.lines.toLocaleString("en")} lines already read): p50 ${ms(c.p50)} ms.`,
        "",
      );
    }
  } finally {
    await engine.close();
    await stack.stop();
  }
  if (args["no-write"]) return;
  await prependSection([
    `## Patterns answer at ${SIZES.map(sizeName).join(" and ")} records — ${startedAt}`,
    "",
    `Command: \`npm run bench:patterns -- --sizes ${SIZES.join(",")} --runs ${RUNS}\``,
    `Machine: ${machine()}`,
    "",
    `The demo generator's records (seed 7) spread over ${SPAN_DAYS} days ending now, written as the collector writes them. Each question through searchPatterns in the benchmark's process (the route's work without HTTP and the token check): ${RUNS} timed runs after 2 warm-up runs, wall time. The sample is at most 20,000 lines read in 20 slices of the range (1,000 newest per slice, 4 slices at a time); sort=new also reads 5 slices of the previous window, 1,000 lines each.`,
    "",
    ...sections,
  ]);
}

runBench(main);
