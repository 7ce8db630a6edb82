/**
 * searchd taken away from alco while a stream is being published, on a searchd of this file's own (the shared
 * stack's is not touched): stopped for 30 s and started again on the same data dir and port, then frozen with
 * SIGSTOP. Meanwhile:
 * - the collector holds: its batches stay unacked (retried with bounded backoff), the stream waits in the queue,
 *   the process stays up, and it resumes by itself when searchd is back; nothing is lost or stored twice;
 * - the reader API answers with the API's error shape (503 `unavailable`) instead of hanging: at once while
 *   searchd is stopped, within the engine client's query timeout (10 s) while it is frozen; the reader page in
 *   Chromium shows its error banner after the first failed attempt, not after all of its retries.
 * The web app is the production build (`npm start`, web-process.ts) on the stack's services and this searchd.
 */
import { chromium, type Browser } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { createEngine, type Engine } from "@/lib/engine/engine-client";
import { EngineSync } from "@/lib/indexes/engine-sync";
import { freePort, SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { countTableSql } from "@/lib/engine/sphinxql-dialect";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { createTestIndex, createTestUser, db, dropTestIndex, uniqueName, waitFor } from "../helpers";
import { DIST_DIR, ensureWebBuild } from "../web-process";
import { webArgs, webEnv } from "../web-command";
import { publishNumbered, QueueWatch, seqFigures, sleep, wholeStream } from "./numbered-stream";
import {
  collectorCounters,
  startCollector,
  waitUntilServing,
  type CollectorProcess,
} from "./collector-process";

const root = path.resolve(import.meta.dirname, "../..");
const TOTAL = 60_000;
const RATE = 1000;
const OUTAGE_MS = 30_000;
/** The engine client's query timeout, and slack for a machine busy with other test runs. */
const FROZEN_ANSWER_MS = 15_000;

/** This file's searchd: stopped and started again on the same data dir and port, as an operator would. */
class OwnSearchd {
  private supervisor: SearchdSupervisor | null = null;
  private sync: EngineSync | null = null;
  port = 0;

  constructor(readonly dataDir: string) {}

  get pid(): number | undefined {
    return this.supervisor?.pid;
  }

  async start(): Promise<void> {
    const supervisor = new SearchdSupervisor({
      dataDir: this.dataDir,
      port: this.port,
      log: () => undefined,
    });
    const indexes = await listIndexes(db());
    await supervisor.start(indexes.map((i) => ({ name: i.name, retentionDays: i.retentionDays })));
    this.port = supervisor.port;
    this.supervisor = supervisor;
    this.sync = new EngineSync(supervisor, db(), 300, () => undefined);
    await this.sync.start();
  }

  /** searchd stops (SIGTERM) and its supervisor with it, so nothing restarts it until `start()`. */
  async stop(): Promise<void> {
    await this.sync?.stop();
    await this.supervisor?.stop();
    this.sync = null;
    this.supervisor = null;
  }
}

function startWeb(port: number, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, webArgs(), {
    cwd: root,
    env: { ...env, ...webEnv(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    tail.push(...b.toString().split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { child, output: () => tail.join("\n") };
}

type Answer = { status: number; code: string | undefined; message: string | undefined; ms: number };

describe("searchd down", () => {
  let dataDir = "";
  let searchd: OwnSearchd;
  let engine: Engine;
  let index: LoggerIndex;
  let web: ReturnType<typeof startWeb> | null = null;
  let baseURL = "";
  let browser: Browser | null = null;
  let cookie = "";

  const stored = async () => {
    const rows = await engine.query<{ n: string | number }>(countTableSql(index.name));
    return Number(rows[0]?.n ?? 0);
  };

  /** One reader API call as a signed-in browser makes it, bounded so a hang shows as a failure, not a stall. */
  const ask = async (): Promise<Answer> => {
    const t = performance.now();
    const res = await fetch(`${baseURL}/api/grep/${index.name}?limit=50`, {
      headers: { cookie, accept: "application/json" },
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    return {
      status: res.status,
      code: body.error?.code,
      message: body.error?.message,
      ms: Math.round(performance.now() - t),
    };
  };

  /** Opens the reader in Chromium and waits for its error banner; how long it took and what it said. */
  const bannerOnReader = async (): Promise<{ ms: number; text: string }> => {
    const context = await browser!.newContext({ baseURL });
    try {
      const [name, value] = cookie.split("=") as [string, string];
      await context.addCookies([{ name, value, url: baseURL }]);
      const page = await context.newPage();
      const t = Date.now();
      await page.goto(`/grep/${index.name}`);
      // The reader's own banner: Next.js's route announcer is an (empty) alert as well.
      const alert = page.getByRole("main").getByRole("alert");
      await alert.waitFor({ state: "visible", timeout: 60_000 });
      return { ms: Date.now() - t, text: (await alert.textContent()) ?? "" };
    } finally {
      await context.close();
    }
  };

  beforeAll(async () => {
    await ensureWebBuild();
    index = await createTestIndex();
    dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-searchd-down-"));
    searchd = new OwnSearchd(dataDir);
    await searchd.start();
    engine = createEngine({ host: "127.0.0.1", port: searchd.port }, { connections: 1 });
    await waitFor("the index served by this file's searchd", async () =>
      (await engine.tables()).has(index.name),
    );

    const port = await freePort();
    baseURL = `http://127.0.0.1:${port}`;
    web = startWeb(port, {
      ...process.env,
      SEARCHD_URL: `127.0.0.1:${searchd.port}`,
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
    });
    await waitFor(
      "the web app answering",
      async () => {
        if (web!.child.exitCode !== null) throw new Error(`the web app exited:\n${web!.output()}`);
        return (await fetch(`${baseURL}/login`, { signal: AbortSignal.timeout(5_000) })).status < 500;
      },
      90_000,
    );
    cookie = (await createTestUser("viewer")).cookie;
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  }, 1_000_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (web && web.child.exitCode === null) {
      const exited = new Promise((r) => web!.child.once("exit", r));
      web.child.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      web.child.kill("SIGKILL");
    }
    if (searchd?.pid) process.kill(searchd.pid, "SIGCONT");
    await searchd?.stop();
    await engine?.close().catch(() => undefined);
    if (index) await dropTestIndex(index);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("stopped for 30 s: the API and the reader say so at once, the collector holds, then drains everything", async () => {
    const queue = new QueueWatch(index.queueName);
    let collector: CollectorProcess | null = null;
    const publisher = publishNumbered({
      routingKey: `app.${index.name}`,
      total: TOTAL,
      ratePerSec: RATE,
      runId: uniqueName("searchd"),
    });
    try {
      collector = await startCollector({ SEARCHD_URL: `127.0.0.1:${searchd.port}`, BATCH_SIZE: "1000" });
      const c = collector;
      const counters = () => collectorCounters(c, index.name);
      await waitUntilServing(c);
      await waitFor("a sixth of the stream stored", async () => (await stored()) >= TOTAL / 6, 60_000);
      const healthy = await ask();
      expect(healthy.status).toBe(200);

      const downAt = Date.now();
      await searchd.stop();
      const before = await counters();
      // A batch written just before the stop may still be acked.
      await sleep(2_000);
      const held = await counters();
      const heldDepth = await queue.depth();

      const answers: Answer[] = [];
      const banner = await bannerOnReader();
      while (Date.now() - downAt < OUTAGE_MS - 2_000) {
        answers.push(await ask());
        if (!c.alive()) throw new Error(`collector exited (code ${c.child.exitCode})`);
        await sleep(2_000);
      }
      const during = await counters();
      const depth = await queue.depth();
      console.log(
        `[searchd-down] searchd stopped at ${before.indexed} acked; reader API answered ` +
          `${answers.map((a) => `${a.status} in ${a.ms} ms`).join(", ")}; reader banner after ${banner.ms} ms: ` +
          `"${banner.text}"; collector: ${during.indexed} acked (${held.indexed} 2 s after the stop), ` +
          `${during.retries - before.retries} retries, ${depth.messageCount} waiting in the queue ` +
          `(${heldDepth.messageCount} 2 s after the stop)`,
      );
      for (const a of answers) {
        expect(a).toMatchObject({ status: 503, code: "unavailable" });
        expect(a.message).toMatch(/search engine/);
        expect(a.ms).toBeLessThan(2_000);
      }
      expect(banner.text).toMatch(/search engine is not reachable/);
      expect(banner.ms).toBeLessThan(20_000);
      // The collector holds: nothing acked while nothing can be stored, and the stream waits in the queue.
      expect(during.indexed).toBe(held.indexed);
      expect(during.retries).toBeGreaterThan(before.retries);
      expect(depth.messageCount).toBeGreaterThan(heldDepth.messageCount);

      await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      await searchd.start();
      const upAt = Date.now();
      const backlog = publisher.confirmed();
      await waitFor("acks resume", async () => (await counters()).indexed > held.indexed, 120_000);
      const resumedAt = Date.now();
      await waitFor("the backlog stored", async () => (await stored()) >= backlog, 120_000);
      const caughtUpAt = Date.now();
      await publisher.done;
      await waitFor(
        "every record stored and acked",
        async () => (await counters()).indexed >= TOTAL && (await queue.depth()).messageCount === 0,
        120_000,
      );
      const drainedAt = Date.now();
      const recovered = await ask();
      const after = await counters();
      expect(await c.terminate()).toBe(0);
      const figures = await seqFigures(engine, index.name);
      console.log(
        `[searchd-down] searchd back after ${((upAt - downAt) / 1000).toFixed(1)} s with ${backlog} published; ` +
          `acks resumed ${((resumedAt - upAt) / 1000).toFixed(1)} s later; backlog stored ` +
          `${((caughtUpAt - upAt) / 1000).toFixed(1)} s after searchd returned; all ${TOTAL} stored and acked ` +
          `${((drainedAt - upAt) / 1000).toFixed(1)} s after (publishing ended meanwhile); ` +
          `${after.received} deliveries; API answered ${recovered.status} in ${recovered.ms} ms; ` +
          `figures ${JSON.stringify(figures)}`,
      );
      expect(recovered.status).toBe(200);
      expect(figures).toEqual(wholeStream(TOTAL));
      expect((await queue.depth()).messageCount).toBe(0);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\ncollector output:\n${collector?.output()}\nweb output:\n${web?.output()}`,
      );
    } finally {
      await publisher.close();
      await collector?.kill9();
      await queue.close();
    }
  }, 420_000);

  it("frozen (SIGSTOP): the API answers 503 within its timeout and the reader shows its banner", async () => {
    expect((await ask()).status).toBe(200);
    const pid = searchd.pid!;
    process.kill(pid, "SIGSTOP");
    const frozenAt = Date.now();
    try {
      // Several at once, as a reader page asks for records, histogram and facets together.
      const [answers, banner] = await Promise.all([
        Promise.all([ask(), ask(), ask()]),
        sleep(500).then(bannerOnReader),
      ]);
      console.log(
        `[searchd-down] searchd frozen: API answered ${answers.map((a) => `${a.status} in ${a.ms} ms`).join(", ")}; ` +
          `reader banner after ${banner.ms} ms: "${banner.text}"`,
      );
      for (const a of answers) {
        expect(a).toMatchObject({ status: 503, code: "unavailable" });
        expect(a.ms).toBeLessThan(FROZEN_ANSWER_MS);
      }
      expect(banner.text).toMatch(/search engine is not reachable/);
      expect(banner.ms).toBeLessThan(FROZEN_ANSWER_MS + 5_000);
      expect(Date.now() - frozenAt).toBeLessThan(60_000);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await waitFor("the API answering again", async () => (await ask()).status === 200, 60_000);
  }, 300_000);
});
