/**
 * Load and soak: the collector and the production web app as separate processes, fed at a steady 80% of the
 * ingest rate this machine managed a minute earlier, read by a paced mix of reader calls and 20 live tails, for
 * ALCO_SOAK_SECONDS (90 by default, so it fits CI; `npm run test:soak` runs 600).
 *
 * 1. Calibrate: 40,000 records pre-filled into a queue of their own, then the collector started; the rate from
 *    its first stored batch to its last (as bench/collector-throughput.ts measures it) is the max ingest rate.
 * 2. Soak: one publisher with confirms at 80% of it (at most MAX_RATE), every record numbered (`soak_seq` and the
 *    AMQP message id); reader calls over loopback HTTP at READ_RATE a second, at most READ_CONCURRENCY in flight
 *    (rare word, common word, field filters, three pages down by cursor, histogram, facets); 20 live tails with
 *    queries from "everything" (sampled at the per-connection limit) to one line in a thousand, open throughout.
 *    Every 5 s: resident set (VmRSS) of the collector, of the process serving HTTP (`npm start`), and of
 *    searchd (for information); queue depth (ready messages) and records stored.
 * 3. Drain what is queued, then look for every sequence number in the index.
 *
 * It fails on:
 * - loss: records stored ≠ records published and confirmed, or any sequence number missing or stored twice
 *   (a drain cut short by DRAIN_TIMEOUT_MS or DRAIN_STALL_MS fails as such, not as loss);
 * - a stalled tail: any of the 20 not answering 200, ending, receiving nothing, or silent for longer than
 *   TAIL_STALL_MS while the index grew by so many records that, at the tail's own match rate over the run, it
 *   should have had TAIL_STALL_EXPECTED_LINES (20) lines (by the once-a-second count, less TAIL_PIPELINE_MS from
 *   store to tail). A tail that is quiet because the collector itself stood still, or because its query is rare
 *   and the machine slow, is not stalled; the collector's own stalls are reported (longest ingest stall);
 * - a server error: any reader call answered 5xx, or not answered at all;
 * - memory: the resident set of the collector or of the web server above its runaway ceiling (RSS_CEILING_MIB,
 *   several times what they use here) at any sample; or a growth trend over the second half of the load (the
 *   first half is warm-up): its least-squares slope, less two standard errors, above 2 MiB a minute, i.e. growth
 *   faster than 2 MiB/min with ~97.5% confidence. The summary prints the slowest growth a run could have caught
 *   (bound + 2 standard errors). The trend is judged only on a second half of at least RSS_MIN_WINDOW_SECONDS
 *   (150 s, so runs of 300 s and more: `npm run test:soak`). A shorter window cannot tell growth from noise on two
 *   shared cores: the collector's heap sawtooth and the young generation's resizing moved a 45 s slope by ±10
 *   MiB/min on a fresh machine (115 → 138 MiB under a flat heap cap), and the web server's heap ramps for its first
 *   minute or so and then swings by up to ~200 MiB. So the 90 s run of `npm test` judges the ceilings only and
 *   reports the slopes. searchd's resident set is shown, not judged: an RT index's RAM chunk grows with its rows;
 * - a crash of either process.
 *
 * Writes tmp/soak-results.json (rates, latency percentiles per kind, the RSS series and their trends, the tails)
 * and prints a summary. The processes' output goes to tmp/soak-collector.log and tmp/soak-web.log.
 *
 * The collector is the production bundle with its heap flags (test/collector-command.ts), bundled afresh by the
 * suite's setup.
 * Needs a production build; builds one into NEXT_DIST_DIR (default .next) if its BUILD_ID is missing. Others
 * build in the same checkout, so give the test a dist dir of its own: `NEXT_DIST_DIR=.next-soak`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import amqp, { type Channel, type ChannelModel } from "amqplib";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { registerColumns, setColumnFlags } from "@/lib/indexes/logger-indexes";
import type { LoggerIndex } from "@/db/schema";
import {
  createTestIndex,
  createTestToken,
  db,
  dropTestIndex,
  engine,
  engineCount,
  uniqueName,
  waitFor,
} from "../helpers";
import {
  openTail,
  startQueryLoad,
  type LoadResult,
  type QueryKind,
  type Tail,
  type TailStats,
} from "./soak-load";
import { collectorArgs } from "../collector-command";
import { webArgs, webEnv } from "../web-command";
import { cpuSeconds, findSearchd, listenerPid, rssBytes, spawnLogged, type Spawned } from "./soak-process";
import { prefill, startPacedPublisher, type PacedResult } from "./soak-publisher";
import { rssTrend, summarizeLatencies, type RssSample, type RssTrend } from "./soak-stats";

type Progress = { t: number; stored: number }[];

/** Records stored at time t, interpolated between the once-a-second counts. */
function storedAt(progress: Progress, t: number): number {
  const i = progress.findIndex((p) => p.t >= t);
  if (i === -1) return progress[progress.length - 1]!.stored;
  if (i === 0) return progress[0]!.stored;
  const [p, q] = [progress[i - 1]!, progress[i]!];
  return p.stored + ((q.stored - p.stored) * (t - p.t)) / (q.t - p.t);
}

/** The longest stretch in which the count did not move. */
function longestStallMs(progress: Progress): number {
  let longest = 0;
  let since: number | null = null;
  for (let i = 1; i < progress.length; i++) {
    if (progress[i]!.stored > progress[i - 1]!.stored) since = null;
    else {
      since ??= progress[i - 1]!.t;
      longest = Math.max(longest, progress[i]!.t - since);
    }
  }
  return longest;
}

const SECONDS = Number(process.env.ALCO_SOAK_SECONDS || 90);
const CALIBRATION_RECORDS = 40_000;
const SHARE_OF_MAX = 0.8;
/** Hard caps, whatever the calibration says. */
const MAX_RATE = 25_000;
const MAX_RECORDS = 8_000_000;
/** Above this many ready messages the publisher pauses (and says so) rather than fill the shared broker. */
const MAX_BACKLOG = 300_000;
const READ_RATE = 8;
const READ_CONCURRENCY = 6;
const MAX_READ_REQUESTS = 100_000;
const SAMPLE_MS = 5000;
const TAIL_STALL_MS = 10_000;
/**
 * A silent stretch is a stall only if the tail should have heard this many lines in it, at its own match rate
 * over the run: by chance alone it would hear none with probability e^-20.
 */
const TAIL_STALL_EXPECTED_LINES = 20;
/** From a batch stored to its lines at a tail: the live exchange, the reorder window (500 ms), the send tick. */
const TAIL_PIPELINE_MS = 2000;
const RSS_BOUND_MIB_PER_MIN = 2;
/** A trend is judged only on a second half at least this long: see the header for why 45 s could not be. */
const RSS_MIN_WINDOW_SECONDS = { collector: 150, web: 150 };
/**
 * Runaway guards, judged in every run. The collector runs as production does (test/collector-command.ts), heap
 * capped, at 110–145 MiB under this load (the issue's target is 150); the web server's heap is not capped and swings.
 */
const RSS_CEILING_MIB = { collector: 256, web: 1024 };
/**
 * After publishing stops, the backlog drains (up to MAX_BACKLOG records: a few minutes at worst on a busy
 * machine) for as long as the count keeps rising, but no longer than DRAIN_TIMEOUT_MS, nor DRAIN_STALL_MS without
 * a record stored.
 */
const DRAIN_TIMEOUT_MS = 300_000;
const DRAIN_STALL_MS = 60_000;
/** The run, its drain, and setup (web start, calibration, tails) and the checks after it. */
const TEST_TIMEOUT_MS = (SECONDS + 240) * 1000 + DRAIN_TIMEOUT_MS;

/** From every line to about one in a thousand (at 8k records/s: 1000 lines/s sampled, down to ~8 lines/s). */
const TAIL_QUERIES = [
  "",
  "level:error",
  "locked",
  "webhook",
  "jwt",
  "checkout",
  "timeout",
  "rejected",
  "payment",
  "inventory",
  "insufficient",
  "slow",
  "failed -payment",
  "level:fatal",
  "host:worker-02.prod.local level:error",
  '"gateway timeout"',
  "captured",
  "status:500",
  "stripe",
  "host:api-02.prod.local level:error",
];

const root = path.resolve(import.meta.dirname, "../..");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const MiB = 2 ** 20;

type Sample = {
  t: number;
  phase: "load" | "drain";
  collectorRss: number | null;
  webRss: number | null;
  searchdRss: number | null;
  queueDepth: number | null;
  stored: number;
  published: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the processes said last, for a failure message. */
function lastWords(procs: Spawned[]): string {
  return procs.map((p) => `--- ${p.name} (last lines)\n${p.lastLines().slice(-30).join("\n")}`).join("\n");
}

function assertAlive(procs: Spawned[]) {
  for (const p of procs) {
    const e = p.exit();
    if (e) throw new Error(`${p.name} exited (code ${e.code}, signal ${e.signal})\n${lastWords(procs)}`);
  }
}

/**
 * Every record's sequence number, read back from the engine by keyset over ids, 50,000 at a time: a bitmap of
 * what is there, so a 600 s run (millions of records) needs a few MiB, not an array of rows.
 */
async function checkSequence(index: string, published: number) {
  const seen = new Uint8Array(published);
  let duplicates = 0;
  let strays = 0;
  let rows = 0;
  let after = "0";
  for (;;) {
    // Test-only SQL: the dialect has no statement for reading one JSON key of every record.
    const page = await engine().query<{ id: string | number; s: unknown }>(
      `SELECT id, js.soak_seq AS s FROM ${index} WHERE id > ${after} ORDER BY id ASC LIMIT 50000 OPTION max_matches=50000`,
    );
    for (const r of page) {
      const s = Number(r.s);
      if (!Number.isInteger(s) || s < 0 || s >= published) strays++;
      else if (seen[s]) duplicates++;
      else seen[s] = 1;
    }
    rows += page.length;
    if (page.length < 50_000) break;
    after = String(page[page.length - 1]!.id);
  }
  const missing: number[] = [];
  let missingCount = 0;
  for (let s = 0; s < published; s++) {
    if (!seen[s]) {
      missingCount++;
      if (missing.length < 20) missing.push(s);
    }
  }
  return { rows, missingCount, firstMissing: missing, duplicates, strays };
}

function ensureBuild() {
  if (existsSync(path.join(root, distDir, "BUILD_ID"))) return;
  const build = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) throw new Error(`next build into ${distDir} failed`);
}

describe("soak", () => {
  beforeAll(ensureBuild, 20 * 60_000);

  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse())
      await c().catch((err: Error) => console.error(`[soak] cleanup: ${err.message}`));
  }, 60_000);

  it(
    `ingests at 80% of its max rate for ${SECONDS} s under reads and 20 live tails without loss, stalls, 5xx or memory growth`,
    async () => {
      await mkdir(path.join(root, "tmp"), { recursive: true });
      const log = (l: string) => console.log(`[soak] ${l}`);

      const index: LoggerIndex = await createTestIndex({ name: uniqueName("soak") });
      cleanups.push(() => dropTestIndex(index));
      const calibration: LoggerIndex = await createTestIndex({ name: uniqueName("soakcal") });
      cleanups.push(() => dropTestIndex(calibration));
      // Facets count the filtered columns; these are the reader's usual ones.
      const faceted = ["level", "logger", "host", "status"];
      await registerColumns(db(), index.name, faceted);
      await setColumnFlags(db(), index.name, faceted, { filtered: true });

      const env = {
        ...process.env,
        METRICS_PORT: "0",
        INDEX_REFRESH_MS: "300",
        NEXT_DIST_DIR: distDir,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production" as const,
      };
      const procs: Spawned[] = [];
      const port = await freePort();
      const web = spawnLogged("web", [process.execPath, ...webArgs()], {
        cwd: root,
        env: { ...env, ...webEnv(port) },
        logFile: path.join(root, "tmp/soak-web.log"),
      });
      procs.push(web);
      cleanups.push(() => web.stop());
      const base = `http://127.0.0.1:${port}`;
      await waitFor(
        "the web app to answer",
        async () => {
          assertAlive(procs);
          return (await fetch(`${base}/api/auth/me`).catch(() => null))?.status === 401;
        },
        90_000,
      );
      const webPid = await waitFor(
        "the web server's listening process",
        () => listenerPid(web.pid, port),
        10_000,
      );
      if (webPid !== web.pid) web.extraPids.add(webPid);
      const searchdPid = await findSearchd(process.env.ALCO_TEST_SEARCHD_DIR!);
      log(`web app on ${base}: spawned pid ${web.pid}, serving pid ${webPid}; searchd pid ${searchdPid}`);

      // 1. Calibration: how fast this collector drains a full queue on this machine, now.
      const amqpUrl = process.env.AMQP_URL!;
      const exchange = process.env.AMQP_EXCHANGE!;
      const prefillRate = await prefill(
        { amqpUrl, exchange, index: calibration.name, seed: 11 },
        CALIBRATION_RECORDS,
      );
      const collector = spawnLogged("collector", [process.execPath, ...collectorArgs()], {
        cwd: root,
        env,
        logFile: path.join(root, "tmp/soak-collector.log"),
      });
      procs.push(collector);
      cleanups.push(() => collector.stop());
      let firstAt = 0;
      let firstCount = 0;
      const calStarted = performance.now();
      for (;;) {
        assertAlive(procs);
        const n = await engineCount(calibration.name);
        if (n > 0 && firstAt === 0) [firstAt, firstCount] = [performance.now(), n];
        if (n >= CALIBRATION_RECORDS) break;
        if (performance.now() - calStarted > 180_000) throw new Error(`calibration stored only ${n} records`);
        await sleep(25);
      }
      const maxRate = (CALIBRATION_RECORDS - firstCount) / ((performance.now() - firstAt) / 1000);
      const targetRate = Math.min(MAX_RATE, Math.round(maxRate * SHARE_OF_MAX));
      const maxRecords = Math.min(MAX_RECORDS, Math.ceil(targetRate * SECONDS * 1.05));
      log(
        `calibration: prefill ${Math.round(prefillRate)} msg/s; collector drained at ${Math.round(maxRate)} records/s → soak at ${targetRate} records/s for ${SECONDS} s`,
      );

      // 2. Readers: the tails first, so they see the soak from its first line.
      const { token } = await createTestToken("read");
      const tails: Tail[] = [];
      cleanups.push(() => Promise.all(tails.map((t) => t.close())));
      for (const query of TAIL_QUERIES) tails.push(await openTail({ base, index: index.name, token, query }));
      await Promise.race([
        Promise.all(tails.map((t) => t.ready)),
        sleep(30_000).then(() => {
          throw new Error("live tails not ready within 30 s");
        }),
      ]);
      const badTails = tails.map((t) => t.stats()).filter((s) => s.status !== 200);
      expect(badTails, "every live tail opens").toEqual([]);

      const conn: ChannelModel = await amqp.connect(amqpUrl);
      cleanups.push(() => conn.close());
      const ch: Channel = await conn.createChannel();
      ch.on("error", () => undefined);
      let lastDepth = 0;

      const samples: Sample[] = [];
      let phase: Sample["phase"] = "load";
      let publishedSoFar = () => 0;
      const sample = async () => {
        const [collectorRss, webRss, searchdRss, depth, stored] = await Promise.all([
          rssBytes(collector.pid),
          rssBytes(webPid),
          searchdPid === null ? null : rssBytes(searchdPid),
          ch.checkQueue(index.queueName).then(
            (q) => q.messageCount,
            () => null,
          ),
          engineCount(index.name).catch(() => -1),
        ]);
        if (depth !== null) lastDepth = depth;
        samples.push({
          t: performance.now(),
          phase,
          collectorRss,
          webRss,
          searchdRss,
          queueDepth: depth,
          stored,
          published: publishedSoFar(),
        });
      };

      const publisher = await startPacedPublisher({
        amqpUrl,
        exchange,
        index: index.name,
        seed: 23,
        ratePerSec: targetRate,
        maxRecords,
        backlog: () => lastDepth,
        maxBacklog: MAX_BACKLOG,
      });
      publishedSoFar = publisher.published;
      // CPU shares during the load say who had the two cores, and how busy the rest of the machine was.
      const cpuAt = async () => ({
        collector: await cpuSeconds(collector.pid),
        web: await cpuSeconds(webPid),
        searchd: searchdPid === null ? null : await cpuSeconds(searchdPid),
        test: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage()),
      });
      const cpuBefore = await cpuAt();
      const loadavgBefore = os.loadavg()[0]!;
      const loadStart = performance.now();
      for (const t of tails) t.judgeFrom(loadStart);
      const load = startQueryLoad({
        base,
        index: index.name,
        token,
        ratePerSec: READ_RATE,
        concurrency: READ_CONCURRENCY,
        maxRequests: MAX_READ_REQUESTS,
      });
      let loadResult: LoadResult | null = null;
      let pub: PacedResult | null = null;
      let sampler: NodeJS.Timeout | null = null;
      let sampling = Promise.resolve();
      const stopSampler = async () => {
        if (sampler) clearInterval(sampler);
        sampler = null;
        await sampling;
      };
      cleanups.push(async () => {
        await stopSampler();
        loadResult ??= await load.stop();
        pub ??= await publisher.stop();
      });
      await sample();
      sampler = setInterval(() => {
        sampling = sampling.then(sample).catch((err: Error) => log(`sample failed: ${err.message}`));
      }, SAMPLE_MS);

      const progress: Progress = [{ t: loadStart, stored: 0 }];
      let lastProgress = loadStart;
      while (performance.now() - loadStart < SECONDS * 1000) {
        await sleep(1000);
        assertAlive(procs);
        const failure = publisher.failure();
        if (failure) throw failure;
        const count = await engineCount(index.name).catch(() => null);
        if (count !== null) progress.push({ t: performance.now(), stored: count });
        if (performance.now() - lastProgress >= 30_000) {
          lastProgress = performance.now();
          const s = samples[samples.length - 1];
          log(
            `${Math.round((lastProgress - loadStart) / 1000)} s: published ${publisher.published()}, stored ${s?.stored}, queue ${s?.queueDepth}, collector ${Math.round((s?.collectorRss ?? 0) / MiB)} MiB, web ${Math.round((s?.webRss ?? 0) / MiB)} MiB`,
          );
        }
      }
      pub = await publisher.stop();
      const loadEnd = performance.now();
      const cpuAfter = await cpuAt();
      const loadavgAfter = os.loadavg()[0]!;
      for (const t of tails) t.judgeUntil(loadEnd);
      loadResult = await load.stop();
      phase = "drain";
      log(`published ${pub.published} in ${(pub.elapsedMs / 1000).toFixed(1)} s; draining`);

      // 3. Drain, then look for every record.
      const published = pub.published;
      let stored = 0;
      const drainStarted = performance.now();
      let grewAt = drainStarted;
      for (let previous = -1; (stored = await engineCount(index.name)) < published; previous = stored) {
        assertAlive(procs);
        const now = performance.now();
        if (stored > previous) grewAt = now;
        if (now - grewAt > DRAIN_STALL_MS || now - drainStarted > DRAIN_TIMEOUT_MS) break;
        await sleep(200);
      }
      const drainMs = performance.now() - drainStarted;
      await sample();
      await stopSampler();
      // Anything redelivered or late would show up now rather than after the count is taken.
      await sleep(1000);
      stored = await engineCount(index.name);
      const leftInQueue = await ch.checkQueue(index.queueName).then(
        (q) => q.messageCount,
        () => null,
      );
      const sequence = await checkSequence(index.name, published);
      const tailStats: TailStats[] = tails.map((t) => t.stats());
      await Promise.all(tails.map((t) => t.close()));
      assertAlive(procs);

      // A tail is stalled when it heard nothing for TAIL_STALL_MS while the index grew by enough records that it
      // should have: a tail quiet because the collector itself stood still (or its query is rare and ingest slow)
      // is not the live path's fault. The collector's own stalls are reported as the longest ingest stall.
      const ingestStallMs = longestStallMs(progress);
      const storedDuringLoad = storedAt(progress, loadEnd) - storedAt(progress, loadStart);
      const tailVerdicts = tailStats.map((t) => {
        const rate = storedDuringLoad > 0 ? t.judgedRecords / storedDuringLoad : 0;
        const gaps = t.gaps.map(([a, b]) => ({
          fromS: Math.round((a - loadStart) / 100) / 10,
          toS: Math.round((b - loadStart) / 100) / 10,
          expectedLines:
            Math.round(rate * (storedAt(progress, b - TAIL_PIPELINE_MS) - storedAt(progress, a)) * 10) / 10,
        }));
        return {
          query: t.query,
          status: t.status,
          records: t.records,
          judgedRecords: t.judgedRecords,
          events: t.events,
          dropped: t.dropped,
          maxGapMs: Math.round(t.maxGapMs),
          gaps,
          endedEarly: t.endedEarly,
          error: t.error,
          stalled:
            t.judgedRecords === 0 ||
            gaps.some(
              (g) => (g.toS - g.fromS) * 1000 > TAIL_STALL_MS && g.expectedLines >= TAIL_STALL_EXPECTED_LINES,
            ),
        };
      });

      // Drain samples count for the ceilings; the trend is fitted to the load's second half only.
      const series = (key: "collectorRss" | "webRss" | "searchdRss"): RssSample[] =>
        samples.filter((s) => s[key] !== null).map((s) => ({ t: s.t - loadStart, bytes: s[key]! }));
      const window = loadEnd - loadStart;
      const rule = (minWindowSeconds: number, ceilingMiB: number) => ({
        boundMiBPerMin: RSS_BOUND_MIB_PER_MIN,
        minWindowSeconds,
        ceilingMiB,
      });
      const trends: Record<"collector" | "web" | "searchd", RssTrend> = {
        collector: rssTrend(
          series("collectorRss"),
          window,
          rule(RSS_MIN_WINDOW_SECONDS.collector, RSS_CEILING_MIB.collector),
        ),
        web: rssTrend(series("webRss"), window, rule(RSS_MIN_WINDOW_SECONDS.web, RSS_CEILING_MIB.web)),
        searchd: rssTrend(series("searchdRss"), window, rule(0, Number.POSITIVE_INFINITY)),
      };
      const kinds = Object.keys(loadResult.latencies) as QueryKind[];
      const allLatencies = kinds.flatMap((k) => loadResult!.latencies[k]);
      const loadSamples = samples.filter((s) => s.phase === "load");
      const firstLoad = loadSamples[0];
      const lastLoad = loadSamples[loadSamples.length - 1];
      const ingestDuringLoad =
        firstLoad && lastLoad && lastLoad.t > firstLoad.t
          ? (lastLoad.stored - firstLoad.stored) / ((lastLoad.t - firstLoad.t) / 1000)
          : NaN;

      const cpuShare = Object.fromEntries(
        (Object.keys(cpuBefore) as (keyof typeof cpuBefore)[]).map((k) => {
          const [a, b] = [cpuBefore[k], cpuAfter[k]];
          return [k, a === null || b === null ? null : Math.round(((b - a) / (window / 1000)) * 100) / 100];
        }),
      );

      const results = {
        when: new Date().toISOString(),
        seconds: SECONDS,
        rule: {
          rss: `collector ≤ ${RSS_CEILING_MIB.collector} MiB and web ≤ ${RSS_CEILING_MIB.web} MiB throughout; when the load's second half lasts ≥ ${RSS_MIN_WINDOW_SECONDS.collector} s (collector) or ${RSS_MIN_WINDOW_SECONDS.web} s (web), least-squares slope over it minus 2 standard errors ≤ ${RSS_BOUND_MIB_PER_MIN} MiB/min`,
          tail: `no silence over ${TAIL_STALL_MS / 1000} s in which the tail should have had ≥ ${TAIL_STALL_EXPECTED_LINES} lines at its own match rate (records stored in it, less ${TAIL_PIPELINE_MS} ms from store to tail)`,
        },
        ingest: {
          calibrationRecords: CALIBRATION_RECORDS,
          prefillPublishRate: Math.round(prefillRate),
          maxRate: Math.round(maxRate),
          targetRate,
          published,
          publishRate: Math.round(published / ((pub.elapsedMs - pub.pausedMs) / 1000)),
          publisherPausedMs: pub.pausedMs,
          storedRateDuringLoad: Math.round(ingestDuringLoad),
          stored,
          drainSeconds: Math.round(drainMs / 100) / 10,
          leftInQueue,
          maxQueueDepth: Math.max(0, ...samples.map((s) => s.queueDepth ?? 0)),
          longestIngestStallMs: Math.round(ingestStallMs),
          sequence,
        },
        reads: {
          requests: loadResult.requests,
          perSec: Math.round((loadResult.requests / (loadResult.elapsedMs / 1000)) * 10) / 10,
          skipped: loadResult.skipped,
          statuses: loadResult.statuses,
          serverErrors: loadResult.serverErrors,
          failures: loadResult.failures,
          all: summarizeLatencies(allLatencies),
          byKind: Object.fromEntries(kinds.map((k) => [k, summarizeLatencies(loadResult!.latencies[k])])),
        },
        /** Wall clock at arrival less the record's time: queueing in the broker included when ingest lags. */
        tailLagMs: summarizeLatencies(tailStats.flatMap((t) => t.lagsMs)),
        tails: tailVerdicts,
        rss: {
          collector: trends.collector,
          web: trends.web,
          searchd: {
            minMiB: trends.searchd.minMiB,
            maxMiB: trends.searchd.maxMiB,
            slopeMiBPerMin: trends.searchd.slopeMiBPerMin,
            note: "not judged: an RT index's RAM chunk grows with its rows until it is flushed",
          },
        },
        /** Cores' worth of CPU each process used during the load (2 = both cores), and the machine's load average. */
        cpu: {
          ...cpuShare,
          loadavg1mBefore: loadavgBefore,
          loadavg1mAfter: loadavgAfter,
          cores: os.cpus().length,
        },
        samples: samples.map((s) => ({
          t: Math.round((s.t - loadStart) / 100) / 10,
          phase: s.phase,
          collectorMiB: s.collectorRss === null ? null : Math.round((s.collectorRss / MiB) * 10) / 10,
          webMiB: s.webRss === null ? null : Math.round((s.webRss / MiB) * 10) / 10,
          searchdMiB: s.searchdRss === null ? null : Math.round((s.searchdRss / MiB) * 10) / 10,
          queueDepth: s.queueDepth,
          stored: s.stored,
          published: s.published,
        })),
      };
      await writeFile(path.join(root, "tmp/soak-results.json"), `${JSON.stringify(results, null, 2)}\n`);

      const lat = (k: string, s: ReturnType<typeof summarizeLatencies>) =>
        `  ${k.padEnd(10)} n=${String(s.count).padStart(6)}  p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms`;
      const rss = (k: string, r: RssTrend, judged = true) =>
        `  ${k.padEnd(10)} ${r.minMiB}–${r.maxMiB} MiB${judged ? ` (ceiling ${r.ceilingMiB})` : ""}; last ${r.windowSeconds} s of load: slope ${r.slopeMiBPerMin} ± ${r.slopeSeMiBPerMin} MiB/min ` +
        (!judged
          ? "(not judged: its RAM chunk grows with the rows until it is flushed)"
          : r.judged
            ? `(judged: growth above ${r.resolvableMiBPerMin} MiB/min would have failed)`
            : "(trend not judged: the second half is too short for this process)") +
        (judged && (r.overCeiling || r.growing) ? "  FAIL" : "");
      const minRecords = Math.min(...tailStats.map((t) => t.records));
      const worstGap = Math.max(...tailStats.map((t) => t.maxGapMs));
      console.log(
        [
          `[soak] ${SECONDS} s soak summary (tmp/soak-results.json)`,
          `  ingest: max ${results.ingest.maxRate}/s measured, target ${targetRate}/s, published ${published} (${results.ingest.publishRate}/s), stored ${stored} (${results.ingest.storedRateDuringLoad}/s during load), max queue ${results.ingest.maxQueueDepth}, longest ingest stall ${Math.round(ingestStallMs)} ms, drain ${results.ingest.drainSeconds} s (${leftInQueue} left), publisher paused ${pub.pausedMs} ms`,
          `  sequence: ${sequence.rows} rows, missing ${sequence.missingCount}, duplicates ${sequence.duplicates}, strays ${sequence.strays}`,
          `  reads: ${loadResult.requests} requests (${results.reads.perSec}/s), skipped ${loadResult.skipped}, resent after a closed keep-alive ${loadResult.resentAfterReset}, statuses ${JSON.stringify(loadResult.statuses)}`,
          lat("all", results.reads.all),
          ...kinds.map((k) => lat(k, results.reads.byKind[k]!)),
          `  tails: ${tailStats.length}, fewest lines ${minRecords}, longest gap ${Math.round(worstGap)} ms, stalled ${tailVerdicts.filter((t) => t.stalled).length}, dropped (sampled) ${tailStats.reduce((a, t) => a + t.dropped, 0)}`,
          `  tail lag (arrival − record time): p50 ${results.tailLagMs.p50} ms, p95 ${results.tailLagMs.p95} ms, p99 ${results.tailLagMs.p99} ms, max ${results.tailLagMs.max} ms`,
          `  cpu (cores' worth during load): ${JSON.stringify(cpuShare)}, load average ${loadavgBefore.toFixed(1)} → ${loadavgAfter.toFixed(1)}`,
          `  rss:`,
          rss("collector", trends.collector),
          rss("web", trends.web),
          rss("searchd", trends.searchd, false),
        ].join("\n"),
      );

      // A drain cut short is not a loss: the records are still queued. Say which it was.
      expect(
        stored >= published || leftInQueue === 0,
        `drain unfinished after ${Math.round(drainMs / 1000)} s: ${published - stored} records not stored, ${leftInQueue} still queued`,
      ).toBe(true);
      expect.soft(stored, "records stored = records published").toBe(published);
      expect
        .soft(sequence.missingCount, `sequence numbers missing, first ${sequence.firstMissing.join(", ")}`)
        .toBe(0);
      expect.soft(sequence.duplicates, "sequence numbers stored twice").toBe(0);
      expect
        .soft(loadResult.serverErrors, `5xx or no answer: ${JSON.stringify(loadResult.failures)}`)
        .toBe(0);
      // Anything but 200 below 500 would be the test's own calls gone wrong, which would make the load a lie.
      expect.soft(Object.keys(loadResult.statuses), "every reader call answered 200").toEqual(["200"]);
      const stalled = tailVerdicts.filter((t) => t.status !== 200 || t.endedEarly || t.error || t.stalled);
      expect.soft(stalled, `tails that stalled (${results.rule.tail}), ended or failed`).toEqual([]);
      for (const k of ["collector", "web"] as const) {
        expect
          .soft(trends[k].overCeiling, `${k} RSS over its ceiling: ${JSON.stringify(trends[k])}`)
          .toBe(false);
        expect.soft(trends[k].growing, `${k} RSS grows: ${JSON.stringify(trends[k])}`).toBe(false);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
