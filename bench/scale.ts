/**
 * alco against grep at 1M and 10M lines, in one run on one machine (`npm run bench`):
 *
 *   npm run bench -- [--sizes 1000000,10000000] [--throughput-records 200000] [--runs 30] [--no-write]
 *
 * 1. Collector throughput vs the raw engine insert (bench/collector-throughput.ts), which also gives the max rate.
 * 2. Publish → searchable latency at a steady 50% and 90% of that rate: every 50th record is a probe whose id
 *    (derived from its message id, as the collector does) is polled for in the engine every 10 ms.
 * 3. A corpus (fixed seed; levels, loggers, hosts, HTTP lines, stack traces) spread over the last 10 days is
 *    published through the real path (AMQP → collector → engine) while the same lines go to a text file; at each
 *    size the questions a reader asks are timed through `/api/grep` over HTTP, and the same questions are put to
 *    `grep` and `rg` over the text file (warm page cache for both: the file was just written, the tables just
 *    filled).
 * 4. Collector RSS while ingesting at full rate, web RSS during the queries, engine disk per million records.
 * Results go to docs/BENCHMARKS.md with a chart, docs/bench/latency-vs-size.png.
 */
import { execSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { dailyTables } from "@/lib/engine/retention";
import { flushTableSql, recordsWithIdsSql } from "@/lib/engine/sphinxql-dialect";
import { recordId } from "@/lib/records/record-id";
import { renderLatencyChart, type ChartSeries } from "./chart";
import { measureThroughput, type ThroughputResult } from "./collector-throughput";
import { engineDiskBytes, ingestTo, openPublisher, percentile, type Corpus } from "./corpus";
import { machine, prependSection, runBench, stamp } from "./results";
import { startServerStack, treeRss, type ServerStack } from "./server-stack";
import { fetchResendingOnReset } from "../test/fetch-resending-on-reset";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000,10000000" },
    "throughput-records": { type: "string", default: "200000" },
    runs: { type: "string", default: "30" },
    "latency-seconds": { type: "string", default: "20" },
    "no-write": { type: "boolean", default: false },
  },
});
const SIZES = args.sizes
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const RUNS = Number(args.runs);
const SPAN_DAYS = 10;
const log = (l: string) => console.log(`[bench] ${l}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;

const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));
/** " (query / handler)" p50s, where the API reported them. */
const brackets = (t: { server?: number; handler?: number }) => {
  const parts = [t.server, t.handler].map((v) => (v === undefined ? "–" : ms(v)));
  return t.server === undefined && t.handler === undefined ? "" : ` (${parts.join(" / ")})`;
};

/** The grep runs between two questions can leave a connection idle past the server's keep-alive timeout. */
const fetchOnce = (url: string, init: RequestInit) => fetchResendingOnReset(url, init);

// ------------------------------------------------------------------------------- publish → searchable latency

type LatencyResult = { targetRate: number; achievedRate: number; p50: number; p99: number; probes: number };

async function searchableLatency(
  stack: ServerStack,
  engine: Engine,
  index: string,
  rate: number,
  seconds: number,
): Promise<LatencyResult> {
  const pub = await openPublisher(stack.env);
  const gen = createRecordGenerator({ seed: 11, startMs: Date.now(), ratePerSec: rate, index });
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || pending.size) {
      if (pending.size) {
        const ids = [...pending.keys()];
        const rows = await engine.query<{ id: string }>(recordsWithIdsSql(index, ids));
        const now = performance.now();
        for (const { id } of rows) {
          const at = pending.get(String(id));
          if (at !== undefined) latencies.push(now - at);
          pending.delete(String(id));
        }
      }
      await sleep(10);
    }
  })();
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    // Paced in 10 ms slots so the load is steady rather than bursty.
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (sent < due) {
      const r = gen.next().value;
      // Probes get a message id of their own so their engine id is known before they are published.
      r.messageId = `lat-${rate}-${sent}`;
      await pub.publish(r);
      if (sent % 50 === 0) {
        pending.set(
          recordId({ messageId: r.messageId, routingKey: r.routingKey, body: Buffer.alloc(0) }),
          performance.now(),
        );
      }
      sent++;
    }
    await sleep(10);
  }
  const achievedRate = sent / ((performance.now() - started) / 1000);
  await pub.close();
  const deadline = Date.now() + 60_000;
  while (pending.size && Date.now() < deadline) await sleep(50);
  polling = false;
  pending.clear();
  await poller;
  return {
    targetRate: rate,
    achievedRate,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    probes: latencies.length,
  };
}

// ------------------------------------------------------------------------------------------------- questions

type Question = {
  name: string;
  /** Path and query string under /api/grep/<index>, or several fetched together (the reader's side panels). */
  api: string[];
  /** The same question for grep and rg over the text file ({file} and {tool} are filled in); null: no equivalent. */
  shell: string | null;
  /** Whether the grep timing is the goal's "≥ 50× faster than grep -c" comparison. */
  selective?: boolean;
};

function questions(corpus: Corpus, nowMs: number): Question[] {
  const all = `from=${corpus.spanStartMs}&to=${nowMs}`;
  const day = `from=${nowMs - 86_400_000}&to=${nowMs}`;
  const needle = corpus.needle ?? "zzzzzz";
  return [
    {
      name: "rare word (one of a kind, like a trace id)",
      api: [`?q=${needle}&limit=100`],
      shell: `{tool} -c -w ${needle} {file}`,
      selective: true,
    },
    {
      name: "uncommon word: deadlock",
      api: ["?q=deadlock&limit=100"],
      shell: "{tool} -c -w -i deadlock {file}",
    },
    { name: "common word: orders", api: ["?q=orders&limit=100"], shell: "{tool} -c -w -i orders {file}" },
    {
      name: 'phrase: "gateway timeout"',
      api: [`?q=${encodeURIComponent('"gateway timeout"')}&limit=100`],
      shell: "{tool} -c -i 'gateway timeout' {file}",
    },
    { name: "infix: *lock*", api: ["?q=*lock*&limit=100"], shell: "{tool} -c -i lock {file}" },
    {
      name: "field filter: level:error",
      api: ["?q=level:error&limit=100"],
      shell: "{tool} -c -i '\\[error\\]:' {file}",
    },
    {
      name: "filter + word: level:error payment",
      api: ["?q=level:error%20payment&limit=100"],
      shell: "{tool} -i '\\[error\\]:' {file} | {tool} -c -w -i payment",
    },
    {
      name: "histogram + facets, whole corpus",
      api: [`/histogram?${all}`, `/facets?${all}`],
      shell: "awk '{h[substr($1,1,13)]++; f[$2]++} END {print length(h), length(f)}' {file}",
    },
    {
      name: "histogram + facets, last 24 h",
      api: [`/histogram?${day}`, `/facets?${day}`],
      shell: null,
    },
    {
      name: "histogram + facets for a word (orders), whole corpus",
      api: [`/histogram?q=orders&${all}`, `/facets?q=orders&${all}`],
      shell: null,
    },
  ];
}

/**
 * Client-side wall time over HTTP; `server`: p50 of the API's own `tookMs` (the query: engine and result
 * building); `handler`: p50 of the route's `Server-Timing` app figure (authentication, index lookup and the query).
 */
type Timing = { p50: number; p99: number; server?: number; handler?: number };
type Answer = { name: string; alco: Timing; hits: number; grep: number | null; rg: number | null };

function timeShell(cmd: string): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    // LC_ALL=C: grep's fastest mode; the text is UTF-8 but every pattern here is ASCII. The output goes to a
    // pipe: GNU grep writing to /dev/null stops at the first match, as if given -q (earlier runs timed that).
    const run = spawnSync("bash", ["-c", cmd], {
      env: { ...process.env, LC_ALL: "C" },
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * MiB,
    });
    if (run.status !== 0 && run.status !== 1) throw new Error(`${cmd}: exit ${run.status}`);
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}

async function timeApi(base: string, auth: string, urls: string[]): Promise<{ t: Timing; body: unknown }> {
  const times: number[] = [];
  const took: number[] = [];
  const handler: number[] = [];
  let body: unknown = null;
  for (let i = 0; i < RUNS + 2; i++) {
    const t0 = performance.now();
    const apps: number[] = [];
    const bodies = await Promise.all(
      urls.map(async (u) => {
        const res = await fetchOnce(`${base}${u}`, { headers: { authorization: auth } });
        if (!res.ok) throw new Error(`${u}: HTTP ${res.status} ${await res.text()}`);
        const app = /app;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
        if (app) apps.push(Number(app[1]));
        return res.json() as Promise<unknown>;
      }),
    );
    // Two warm-up runs: the first query of a kind loads the engine's dictionaries and the app's modules.
    if (i >= 2) times.push(performance.now() - t0);
    if (i >= 2 && apps.length) handler.push(Math.max(...apps));
    body = bodies[0];
    const server = (body as { tookMs?: unknown }).tookMs;
    if (i >= 2 && typeof server === "number") took.push(server);
  }
  return {
    t: {
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      server: took.length ? percentile(took, 50) : undefined,
      handler: handler.length ? percentile(handler, 50) : undefined,
    },
    body,
  };
}

type PagingResult = { depth: number; next: Timing; previous: Timing; grepTail: number | null };

async function deepPaging(base: string, auth: string, file: string): Promise<PagingResult> {
  const api = `${base}/api/grep/scale?q=orders&limit=100`;
  const get = async (u: string) => {
    const res = await fetchOnce(u, { headers: { authorization: auth } });
    if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
    return (await res.json()) as { cursors: { older: string | null; newer: string | null } };
  };
  let page = await get(api);
  let depth = 1;
  // 50 pages down, or the last page that still has one below it when the result is shorter.
  while (depth < 50 && page.cursors.older) {
    const below = await get(`${api}&before=${page.cursors.older}`);
    if (!below.cursors.older) break;
    page = below;
    depth++;
  }
  const { older, newer } = page.cursors;
  const time = async (u: string): Promise<Timing> => {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const t0 = performance.now();
      await get(u);
      if (i >= 2) times.push(performance.now() - t0);
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  };
  return {
    depth,
    next: await time(`${api}&before=${older}`),
    previous: await time(`${api}&after=${newer}`),
    grepTail: timeShell(`grep -w -i orders ${file} | tail -n ${(depth + 1) * 100} | head -n 100`),
  };
}

// ------------------------------------------------------------------------------------------------------ main

type SizeResult = {
  size: number;
  ingest: Awaited<ReturnType<typeof ingestTo>>;
  textBytes: number;
  diskBytes: number;
  answers: Answer[];
  paging: PagingResult;
  webRss: { start: number; end: number; peak: number };
};

async function main() {
  const hasRg = spawnSync("bash", ["-c", "command -v rg"]).status === 0;
  if (!hasRg) log("rg not found: install ripgrep (apt-get install ripgrep) for the rg column");
  log(`sizes ${SIZES.join(", ")}; ${RUNS} timed runs per question`);

  let throughput: ThroughputResult | null = null;
  if (Number(args["throughput-records"]) > 0) {
    throughput = await measureThroughput({ records: Number(args["throughput-records"]), batch: 2000 });
    log(`max rate (collector draining a full queue): ${Math.round(throughput.collectorRate)} records/s`);
  }

  const stack = await startServerStack("scale", {
    retentionDays: SPAN_DAYS + 4,
    collectorEnv: { INDEX_REFRESH_MS: "300" },
  });
  const engine = createEngine(parseEngineAddress(stack.env.SEARCHD_URL), { connections: 2 });
  const work = await mkdtemp(path.join(os.tmpdir(), "alco-scale-"));
  const token = await stack.helpers.createTestToken("read");
  const auth = `Bearer ${token.token}`;
  const results: SizeResult[] = [];
  const latencies: LatencyResult[] = [];
  try {
    if (throughput) {
      const lat = await stack.helpers.createTestIndex({ name: "lat", retentionDays: 2 });
      await sleep(1000);
      for (const share of [0.5, 0.9]) {
        const r = await searchableLatency(
          stack,
          engine,
          lat.name,
          Math.round(throughput.collectorRate * share),
          Number(args["latency-seconds"]),
        );
        log(
          `publish → searchable at ${Math.round(share * 100)}% (${Math.round(r.achievedRate)}/s): p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms over ${r.probes} probes`,
        );
        latencies.push(r);
      }
      await stack.helpers.dropTestIndex(lat);
    }

    const nowMs = Date.now();
    const spanStartMs = nowMs - SPAN_DAYS * 86_400_000;
    const biggest = SIZES[SIZES.length - 1]!;
    const textFile = path.join(work, "corpus.log");
    const corpus: Corpus = {
      textFile,
      generator: createRecordGenerator({
        seed: 7,
        startMs: spanStartMs,
        ratePerSec: biggest / (SPAN_DAYS * 86_400),
        index: "scale",
      }),
      written: 0,
      needle: null,
      spanStartMs,
    };
    for (const size of SIZES) {
      log(`ingesting up to ${size} records`);
      const ingest = await ingestTo(stack, engine, corpus, size);
      log(
        `ingested at ${Math.round(ingest.rate)} records/s (publisher and collector together); collector RSS peak ${Math.round(ingest.collectorPeakRss / MiB)} MiB, mean ${Math.round(ingest.collectorMeanRss / MiB)} MiB`,
      );
      // The RAM chunks to disk, so the files hold everything the engine keeps.
      for (const t of dailyTables("scale", SPAN_DAYS + 4, Date.now())) await engine.query(flushTableSql(t));
      const diskBytes = await engineDiskBytes(stack.env.ALCO_TEST_SEARCHD_DIR, "scale");
      const textBytes = (await stat(textFile)).size;
      log(`engine disk ${(diskBytes / MiB).toFixed(0)} MiB for ${(textBytes / MiB).toFixed(0)} MiB of text`);

      const webPid = stack.web.pid!;
      const webStart = await treeRss(webPid);
      let webPeak = webStart;
      const answers: Answer[] = [];
      for (const q of questions(corpus, Date.now())) {
        const { t, body } = await timeApi(
          stack.base,
          auth,
          q.api.map((u) => `/api/grep/scale${u}`),
        );
        webPeak = Math.max(webPeak, await treeRss(webPid));
        const hits = Number((body as { total?: number }).total ?? NaN);
        const fill = (tool: string) => q.shell!.replaceAll("{tool}", tool).replaceAll("{file}", textFile);
        const grep = q.shell ? timeShell(fill("grep")) : null;
        const rg = q.shell && hasRg ? timeShell(fill("rg")) : null;
        log(
          `${q.name}: alco p50 ${ms(t.p50)} ms p99 ${ms(t.p99)} ms` +
            brackets(t) +
            (Number.isNaN(hits) ? "" : `, ${hits} hits`) +
            (grep === null ? "" : `; grep ${ms(grep)} ms`) +
            (rg === null ? "" : `, rg ${ms(rg)} ms`),
        );
        answers.push({ name: q.name, alco: t, hits, grep, rg });
      }
      const paging = await deepPaging(stack.base, auth, textFile);
      log(
        `page ${paging.depth} of "orders": next p50 ${ms(paging.next.p50)} ms, previous p50 ${ms(paging.previous.p50)} ms; grep | tail ${ms(paging.grepTail ?? NaN)} ms`,
      );
      const webEnd = await treeRss(webPid);
      results.push({
        size,
        ingest,
        textBytes,
        diskBytes,
        answers,
        paging,
        webRss: { start: webStart, end: webEnd, peak: Math.max(webPeak, webEnd) },
      });
    }

    if (!args["no-write"]) await writeResults(throughput, latencies, results, corpus.needle);
  } finally {
    await engine.close();
    await stack.stop();
    await rm(work, { recursive: true, force: true });
  }
}

export async function writeResults(
  throughput: ThroughputResult | null,
  latencies: LatencyResult[],
  results: SizeResult[],
  needle: string | null,
) {
  const sizeName = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  const chartFile = path.resolve(import.meta.dirname, "../docs/bench/latency-vs-size.png");
  const series: ChartSeries[] = [];
  for (const [i, a] of results[0]!.answers.entries()) {
    if (a.grep === null || !/word|phrase|infix/.test(a.name)) continue;
    const label = a.name.split(":")[0]!.split(" (")[0]!;
    series.push({ label: `alco ${label}`, points: results.map((r) => [r.size, r.answers[i]!.alco.p50]) });
    series.push({
      label: `grep ${label}`,
      dashed: true,
      points: results.map((r) => [r.size, r.answers[i]!.grep!]),
    });
  }
  await renderLatencyChart(series, chartFile, "First page (alco, p50) vs grep -c on the same lines");

  const lines: string[] = [
    `## alco vs grep at ${results.map((r) => sizeName(r.size)).join(" and ")} records — ${stamp()}`,
    "",
    `Command: \`npm run bench -- --sizes ${SIZES.join(",")} --runs ${RUNS}\``,
    `Machine: ${machine(`grep ${execSync("grep --version | head -1").toString().trim().split(" ").pop()}, ${spawnSync("bash", ["-c", "rg --version | head -1"]).stdout.toString().trim() || "no rg"}`)}`,
    "",
  ];
  if (throughput) {
    lines.push(
      "### Ingest",
      "",
      "| measure | result |",
      "| --- | --- |",
      ...throughput.rows,
      ...latencies.map(
        (l, i) =>
          `| publish → searchable at ${i === 0 ? 50 : 90}% of the collector's max (${Math.round(l.achievedRate)}/s) | p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms (${l.probes} probes) |`,
      ),
      "",
    );
  }
  lines.push(
    "### Corpus, memory and disk",
    "",
    "| records | text file | engine disk | disk / text | ingest rate (publish + collector together) | collector RSS peak / mean | web RSS before / after / peak of the queries |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${sizeName(r.size)} | ${(r.textBytes / MiB).toFixed(0)} MiB | ${(r.diskBytes / MiB).toFixed(0)} MiB (${((r.diskBytes / MiB) * (1e6 / r.size)).toFixed(0)} MiB per million) | ${(r.diskBytes / r.textBytes).toFixed(2)}× | ${Math.round(r.ingest.rate)}/s | ${Math.round(r.ingest.collectorPeakRss / MiB)} / ${Math.round(r.ingest.collectorMeanRss / MiB)} MiB | ${Math.round(r.webRss.start / MiB)} / ${Math.round(r.webRss.end / MiB)} / ${Math.round(r.webRss.peak / MiB)} MiB |`,
    ),
    "",
    "### Questions",
    "",
    `alco: \`/api/grep/scale\` over HTTP with a read token, first page of 100 newest-first, p50 / p99 of ${RUNS} runs after 2 warm-ups, wall time at the client; in brackets the p50s of the query's own \`tookMs\` (engine and result building) / the route handler's \`Server-Timing\` (with authentication and the index lookup); the rest is HTTP and Next.js. grep and rg: median of 3 runs of the command over the text file, \`LC_ALL=C\`. Rare word: \`${needle}\`.`,
    "",
    `| question | ${results.map((r) => `${sizeName(r.size)}: alco p50 / p99 | hits | grep | rg | grep / alco`).join(" | ")} |`,
    `| --- | ${results.map(() => "--- | --- | --- | --- | ---").join(" | ")} |`,
    ...results[0]!.answers.map(
      (a, i) =>
        `| ${a.name} | ${results
          .map((r) => {
            const x = r.answers[i]!;
            const ratio = x.grep === null ? "—" : `**${(x.grep / x.alco.p50).toFixed(0)}×**`;
            return `${ms(x.alco.p50)} / ${ms(x.alco.p99)} ms${brackets(x.alco)} | ${Number.isNaN(x.hits) ? "—" : x.hits} | ${x.grep === null ? "—" : `${ms(x.grep)} ms`} | ${x.rg === null ? "—" : `${ms(x.rg)} ms`} | ${ratio}`;
          })
          .join(" | ")} |`,
    ),
    ...(["next", "previous"] as const).map(
      (dir) =>
        `| ${dir} page at page ${results[0]!.paging.depth} of "orders" | ${results
          .map(
            (r) =>
              `${ms(r.paging[dir].p50)} / ${ms(r.paging[dir].p99)} ms | — | ${ms(r.paging.grepTail ?? NaN)} ms (grep \\| tail \\| head) | — | **${((r.paging.grepTail ?? NaN) / r.paging[dir].p50).toFixed(0)}×**`,
          )
          .join(" | ")} |`,
    ),
    "",
    "![First page latency vs corpus size](bench/latency-vs-size.png)",
    "",
  );
  await prependSection(lines);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runBench(main);
