/**
 * RabbitMQ restarted mid-stream, as every alco process sees it: the collector, the agent (`workers/agent.ts`, the
 * process `alco agent` runs), the winston and pino transports and the web app's live hub all talk to the broker
 * through one TCP proxy (test/tcp-proxy.ts, in a child process: that file says why), which the test
 * takes down for OUTAGE_MS, dropping every connection and refusing new ones, then brings back. The shared broker
 * itself keeps running for everyone else; its durable queues keep what was confirmed, as a restarted broker would.
 *
 * Nothing restarts anything by hand: each part must notice and reconnect by itself, with its default backoff.
 * What the test counts is what a user gets back from GET /api/grep of the web app and from its live tail.
 */
import type { PublisherWarning } from "@alco/amqp-publisher";
import { AlcoTransport } from "@alco/winston-transport";
import amqp from "amqplib";
import { once } from "node:events";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winston from "winston";
import type { LoggerIndex } from "@/db/schema";
import { deadLetterExchange, liveExchange } from "@/lib/amqp/topology";
import { createIndex } from "@/lib/indexes/logger-indexes";
import {
  createTestIndex,
  createTestToken,
  db,
  dropTestIndex,
  engine,
  engineCount,
  publish,
  uniqueName,
  waitFor,
} from "@/test/helpers";
import { startTcpProxy, targetOf, type TcpProxy } from "@/test/tcp-proxy";
import { grepAll, numbersOf, openLiveTail, pause, range, type LiveTail } from "./reader-client";
import { ensureWebBuild, startWeb, type Web } from "../web-process";
import { startWorker, type Logged } from "./worker-process";

const PINO_TRANSPORT_SOURCE = path.resolve(import.meta.dirname, "../../packages/pino-transport/src/index.ts");
const OUTAGE_MS = 10_000;
/** Records each source sends before the outage, and during it: under the transports' default bound of 10,000. */
const BEFORE = 200;
const DURING = 3000;
/** The transport made to overflow: its buffer, what it is given before and during the outage. */
const SMALL_BOUND = 300;
const SMALL_BEFORE = 100;
const SMALL_DURING = 1000;
/** Published with confirms while the collector drains them, so the outage cuts it mid-stream. */
const DIRECT = 20_000;

const SOURCES = ["direct", "agent", "winston", "pino", "small", "live"] as const;
type Source = (typeof SOURCES)[number];
/** The sources whose every record is counted in the index. */
const COUNTED = ["direct", "agent", "winston", "pino", "small"] as const;
const record = (source: string, n: number) => ({
  level: "info",
  message: `${source} line ${n}`,
  timestamp: new Date().toISOString(),
  n,
});
const agentLines = (from: number, to: number) =>
  range(from, to)
    .map((n) => `${new Date().toISOString()} INFO agent line ${n}\n`)
    .join("");

/** Since `upAt`: when each part was seen working again. */
type Reconnects = Record<
  "collector" | "collectorAll" | "agent" | "winston" | "small" | "liveHub" | "liveTail",
  number | null
>;

const seen: {
  countAtDown: number;
  countAtUp: number;
  reconnects: Reconnects;
  /** Since `upAt`: when every record sent during the outage was in the engine. */
  delivered: Partial<Record<Source, number>>;
  numbers: Partial<Record<Source, number[]>>;
  winston: ReturnType<AlcoTransport["stats"]> | null;
  small: ReturnType<AlcoTransport["stats"]> | null;
  smallWarnings: PublisherWarning[];
  liveShown: number[];
  livePublished: number[];
  /** Longest wait, from publish to the tail, of a line published once everything was back. */
  liveLatencyMs: number;
  tailEnded: string | null;
  agentLog: string[];
} = {
  countAtDown: 0,
  countAtUp: 0,
  reconnects: {
    collector: null,
    collectorAll: null,
    agent: null,
    winston: null,
    small: null,
    liveHub: null,
    liveTail: null,
  },
  delivered: {},
  numbers: {},
  winston: null,
  small: null,
  smallWarnings: [],
  liveShown: [],
  livePublished: [],
  liveLatencyMs: Infinity,
  tailEnded: null,
  agentLog: [],
};

const teardown: (() => Promise<unknown>)[] = [];
/** Undone in reverse order of set-up, each step whatever happened to the others. */
const undo = (fn: () => Promise<unknown>) => teardown.unshift(fn);

/** pino's way to finish: the worker confirms every line, then exits. Blocks this thread meanwhile. */
async function endPino(transport: ReturnType<typeof pino.transport>): Promise<void> {
  const closed = once(transport, "close");
  transport.end();
  await Promise.race([closed, pause(15_000)]);
}

async function endWinston(logger: winston.Logger): Promise<void> {
  const finished = once(logger, "finish");
  logger.end();
  await Promise.race([finished, pause(15_000)]);
}

describe("RabbitMQ restarted mid-stream (proxy down for 10 s)", () => {
  beforeAll(() => ensureWebBuild(), 15 * 60_000);

  beforeAll(async () => {
    const proxy: TcpProxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    undo(() => proxy.close());
    const viaProxy = proxy.url(process.env.AMQP_URL!);
    const exchange = process.env.AMQP_EXCHANGE!;

    const idx = {} as Record<Source, LoggerIndex>;
    for (const s of SOURCES) {
      idx[s] = await createTestIndex();
      undo(() => dropTestIndex(idx[s]));
    }
    const routingKey = (s: Source) => `logstash.${idx[s].name}`;
    const count = (s: Source) => engineCount(idx[s].name);

    // The collector and the agent as the processes they are in production, so their reconnects are their own.
    const collector: Logged = startWorker("workers/collector.ts", [], {
      AMQP_URL: viaProxy,
      METRICS_PORT: "0",
      INDEX_REFRESH_MS: "300",
    });
    undo(() => collector.stop());
    const consumingSince = (t: number) =>
      new Set(
        collector.lines
          .filter((l) => l.at > t)
          .map((l) => /\[collector\] \[(\w+)\] consuming /.exec(l.text)?.[1])
          .filter(Boolean),
      ).size;
    await waitFor("the collector consuming every index", () =>
      Promise.resolve(consumingSince(0) === SOURCES.length),
    );

    const web: Web = await startWeb({ AMQP_URL: viaProxy });
    undo(() => web.stop());
    const auth = { bearer: (await createTestToken("read")).token };

    const dir = await mkdtemp(path.join(os.tmpdir(), "alco-rabbitmq-restart-"));
    undo(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, "app.log");
    await writeFile(file, agentLines(0, BEFORE));
    const agent: Logged = startWorker(
      "workers/agent.ts",
      [
        "--index",
        idx.agent.name,
        "--logger",
        "app",
        "--state",
        path.join(dir, "agent.json"),
        "--from-start",
        file,
      ],
      { AMQP_URL: viaProxy, AMQP_EXCHANGE: exchange },
    );
    undo(() => agent.stop());

    const transport = (logger: string, extra: Partial<ConstructorParameters<typeof AlcoTransport>[0]>) =>
      new AlcoTransport({ url: viaProxy, exchange, logger, onWarning: () => undefined, ...extra });
    const wt = transport(idx.winston.name, {});
    const wlog = winston.createLogger({ transports: [wt] });
    undo(() => endWinston(wlog));
    const st = transport(idx.small.name, {
      maxBuffer: SMALL_BOUND,
      onWarning: (w) => seen.smallWarnings.push(w),
    });
    const slog = winston.createLogger({ transports: [st] });
    undo(() => endWinston(slog));

    // The package's source by its path, and `targets`, not `target`: pino's own worker then loads the TypeScript
    // source through tsx's CommonJS hook (pino-transport.int.test.ts says why).
    const pinoTransport = pino.transport({
      targets: [
        { target: PINO_TRANSPORT_SOURCE, options: { url: viaProxy, exchange, logger: idx.pino.name } },
      ],
      worker: { execArgv: ["--import", "tsx"] },
    });
    undo(() => endPino(pinoTransport));
    const plog = pino({ level: "info" }, pinoTransport);

    // Live lines come from one confirm channel straight to the broker: the producer is not under test here.
    const liveConn = await amqp.connect(process.env.AMQP_URL!);
    undo(() => liveConn.close().catch(() => undefined));
    const liveCh = await liveConn.createConfirmChannel();
    const publishLive = async (n: number) => {
      liveCh.publish(exchange, routingKey("live"), Buffer.from(JSON.stringify(record("live", n))), {
        persistent: true,
      });
      await liveCh.waitForConfirms();
    };

    // Before: everything connected and delivering.
    for (let n = 0; n < BEFORE; n++) {
      wlog.info(`winston line ${n}`, { n });
      plog.info({ n }, `pino line ${n}`);
    }
    for (let n = 0; n < SMALL_BEFORE; n++) slog.info(`small line ${n}`, { n });
    await waitFor(
      "every source delivering before the outage",
      async () =>
        (await count("agent")) === BEFORE &&
        (await count("winston")) === BEFORE &&
        (await count("pino")) === BEFORE &&
        (await count("small")) === SMALL_BEFORE,
      90_000,
    );
    const tail: LiveTail = await openLiveTail(web.baseUrl, auth, idx.live.name);
    undo(() => Promise.resolve(tail.close()));
    await publishLive(0);
    await waitFor("the live tail showing a line", () =>
      Promise.resolve(tail.shown.some((s) => s.record.fields.n === 0)),
    );

    // The outage, while the collector is halfway through a backlog.
    const publishing = publish(
      range(0, DIRECT).map((n) => ({ routingKey: routingKey("direct"), body: record("direct", n) })),
    );
    await waitFor("the collector mid-stream", async () => (await count("direct")) >= 2000, 90_000);
    seen.countAtDown = await count("direct");
    const downAt = Date.now();
    await proxy.down();
    await appendFile(file, agentLines(BEFORE, BEFORE + DURING));
    for (let n = BEFORE; n < BEFORE + DURING; n++) {
      wlog.info(`winston line ${n}`, { n });
      plog.info({ n }, `pino line ${n}`);
    }
    for (let n = SMALL_BEFORE; n < SMALL_BEFORE + SMALL_DURING; n++) slog.info(`small line ${n}`, { n });
    await publishing;
    await pause(downAt + OUTAGE_MS - Date.now());
    seen.countAtUp = await count("direct");
    const failedSince = (p: Logged, t: number) =>
      p.lines.filter((l) => l.at > t && /attempt \d+ failed/.test(l.text));
    const outage = {
      collectorFailures: failedSince(collector, downAt).length,
      agentFailures: failedSince(agent, downAt).length,
      winstonConnected: wt.stats().connected,
      winstonBuffered: wt.stats().buffered,
    };

    // Back: nothing is told to reconnect; the test watches each part come back and keeps a live line coming.
    const upAt = Date.now();
    await proxy.up();
    const since = () => Date.now() - upAt;
    const target: Record<(typeof COUNTED)[number], number> = {
      direct: DIRECT,
      agent: BEFORE + DURING,
      winston: BEFORE + DURING,
      pino: BEFORE + DURING,
      small: SMALL_BEFORE + SMALL_BOUND,
    };
    const r = seen.reconnects;
    const mark = (key: keyof Reconnects, ok: boolean) => {
      if (ok && r[key] === null) r[key] = since();
    };
    // Sampled on a timer of its own, so that the times do not wait for the loop's round trips below.
    const sampler = setInterval(() => {
      // Connected once it consumes a queue again; its consumers start one after another.
      mark("collector", consumingSince(upAt) > 0);
      mark("collectorAll", consumingSince(upAt) === SOURCES.length);
      mark(
        "agent",
        agent.lines.some((l) => l.at > upAt && /connected to .* on attempt/.test(l.text)),
      );
      mark("winston", wt.stats().connected);
      mark("small", st.stats().connected);
      mark(
        "liveHub",
        web.lines.some((l) => l.at > upAt && /\[live\] amqp reconnected/.test(l.text)),
      );
      mark(
        "liveTail",
        tail.shown.some((s) => s.at > upAt && Number(s.record.fields.n) >= 1),
      );
    }, 20);
    let liveN = 1;
    const publishedAt = new Map<number, number>();
    let allBackAt: number | null = null;
    try {
      while (since() < 90_000) {
        publishedAt.set(liveN, Date.now());
        await publishLive(liveN);
        seen.livePublished.push(liveN++);
        for (const s of COUNTED)
          if (seen.delivered[s] === undefined && (await count(s)) >= target[s]) seen.delivered[s] = since();
        const back =
          Object.values(r).every((t) => t !== null) && COUNTED.every((s) => seen.delivered[s] !== undefined);
        // Then a few more live lines: these can only reach the tail through the restored feed.
        if (back) allBackAt ??= since();
        if (allBackAt !== null && since() - allBackAt > 3_000) break;
        await pause(250);
      }
    } finally {
      clearInterval(sampler);
    }
    const lastLive = seen.livePublished.at(-1)!;
    await waitFor(
      "the live tail showing every line published since the broker came back",
      () => Promise.resolve(tail.shown.some((s) => s.record.fields.n === lastLive)),
      30_000,
    ).catch(() => undefined);
    seen.liveShown = tail.shown.map((s) => Number(s.record.fields.n)).filter((n) => n >= 1);
    // Lines published once everything was back: from publish to the tail, through the feed alone.
    const delays = tail.shown
      .filter((s) => (publishedAt.get(Number(s.record.fields.n)) ?? 0) - upAt > (allBackAt ?? Infinity))
      .map((s) => s.at - publishedAt.get(Number(s.record.fields.n))!);
    if (delays.length > 0) seen.liveLatencyMs = Math.max(...delays);
    seen.tailEnded = tail.ended();

    // Every record that should be there, once: counts settle first (redeliveries are REPLACEd), then the API.
    for (const s of COUNTED) {
      await waitFor(`${target[s]} records of ${s}`, async () => (await count(s)) >= target[s], 60_000).catch(
        () => undefined,
      );
    }
    await pause(1_000);
    for (const s of COUNTED) seen.numbers[s] = numbersOf(await grepAll(web.baseUrl, auth, idx[s].name));
    seen.winston = wt.stats();
    seen.small = st.stats();
    seen.agentLog = agent.lines.map((l) => `+${l.at - upAt} ms ${l.text}`);

    console.log(
      [
        `[rabbitmq-restart] proxy down ${OUTAGE_MS} ms; collector had indexed ${seen.countAtDown} of ${DIRECT} when it went down, ${seen.countAtUp} when it came back`,
        `  during the outage: failed reconnect attempts: collector ${outage.collectorFailures}, agent ${outage.agentFailures}; winston connected ${outage.winstonConnected} with ${outage.winstonBuffered} buffered`,
        `  reconnected after up (ms): ${JSON.stringify(r)}`,
        `  everything sent during the outage indexed after up (ms): ${JSON.stringify(seen.delivered)}`,
        `  winston ${JSON.stringify(seen.winston)}`,
        `  small-bound winston (maxBuffer ${SMALL_BOUND}, ${SMALL_DURING} logged during the outage) ${JSON.stringify(seen.small)}`,
        `  live tail: ${seen.livePublished.length} lines published after up, ${seen.liveShown.length} shown; once everything was back, each within ${seen.liveLatencyMs} ms`,
      ].join("\n"),
    );
  }, 6 * 60_000);

  afterAll(async () => {
    for (const step of teardown) await step().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  }, 120_000);

  it("the collector reconnects and indexes every record published with confirms, each once", () => {
    expect(seen.countAtDown).toBeLessThan(DIRECT);
    expect(seen.reconnects.collector).not.toBeNull();
    expect(seen.reconnects.collectorAll).not.toBeNull();
    expect(seen.numbers.direct).toEqual(range(0, DIRECT));
  });

  it("the agent reconnects and ships every line of a file written during the outage", () => {
    expect(seen.reconnects.agent, seen.agentLog.slice(-20).join("\n")).not.toBeNull();
    expect(seen.numbers.agent).toEqual(range(0, BEFORE + DURING));
  });

  it("the winston and pino transports deliver every record logged during the outage, under their buffer bound", () => {
    expect(seen.reconnects.winston).not.toBeNull();
    expect(seen.numbers.winston).toEqual(range(0, BEFORE + DURING));
    expect(seen.winston).toMatchObject({ buffered: 0, confirmed: BEFORE + DURING, dropped: 0 });
    expect(seen.numbers.pino).toEqual(range(0, BEFORE + DURING));
  });

  it("a transport over its buffer bound keeps the newest records, counts the dropped ones and warns", () => {
    const dropped = SMALL_DURING - SMALL_BOUND;
    expect(seen.small).toMatchObject({ buffered: 0, confirmed: SMALL_BEFORE + SMALL_BOUND, dropped });
    expect(seen.numbers.small).toEqual([
      ...range(0, SMALL_BEFORE),
      ...range(SMALL_BEFORE + dropped, SMALL_BEFORE + SMALL_DURING),
    ]);
    expect(seen.smallWarnings.map((w) => w.code)).toContain("ALCO_RECORDS_DROPPED");
  });

  it("a live tail resumes by itself and shows every line published after the broker came back, once, in order", () => {
    expect(seen.tailEnded).toBeNull();
    expect(seen.reconnects.liveHub).not.toBeNull();
    expect(seen.livePublished.length).toBeGreaterThan(10);
    expect(seen.liveShown).toEqual(seen.livePublished);
    // Through the restored feed, not only the back-fill made when the hub resubscribed.
    expect(seen.liveLatencyMs).toBeLessThan(5_000);
  });
});

/**
 * A non-durable logs exchange (logcollect's `default_config()` declares it so) does not survive a RabbitMQ
 * restart, and neither do the bindings to it; the durable queues and what they hold do. The proxy cut above
 * leaves the shared broker running, so the exchange would survive it: the test deletes it on the broker while
 * the proxy is down, which leaves the broker as a restart would, for this exchange alone. The collector must then
 * declare it again and bind its queue again by itself.
 */
describe("RabbitMQ restarted with a non-durable logs exchange (proxy down, the exchange gone meanwhile)", () => {
  const BEFORE_CUT = 300;
  const AFTER_BACK = 2000;
  const exchange = uniqueName("alco_nondurable");
  /** This block's own clean-up, undone the same way. */
  const steps: (() => Promise<unknown>)[] = [];
  const later = (fn: () => Promise<unknown>) => steps.unshift(fn);
  const got: {
    gone: boolean;
    backAfterMs: number | null;
    returned: number;
    durableAfter: boolean | null;
    numbers: number[];
    collectorLog: string[];
  } = { gone: false, backAfterMs: null, returned: 0, durableAfter: null, numbers: [], collectorLog: [] };

  beforeAll(() => ensureWebBuild(), 15 * 60_000);

  beforeAll(async () => {
    const proxy: TcpProxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    later(() => proxy.close());
    later(async () => {
      const conn = await amqp.connect(process.env.AMQP_URL!);
      const ch = await conn.createChannel();
      for (const e of [exchange, deadLetterExchange(exchange), liveExchange(exchange)])
        await ch.deleteExchange(e);
      await conn.close();
    });
    // Not createTestIndex: its queue would be declared for the run's exchange (its dead-letter arguments name it).
    const name = uniqueName();
    const index = await createIndex(db(), { name, queueName: `alco_test_${name}` });
    later(() => dropTestIndex(index));
    await waitFor(`tables of ${name}`, async () => (await engine().tables()).has(name));

    const collector: Logged = startWorker("workers/collector.ts", [], {
      AMQP_URL: proxy.url(process.env.AMQP_URL!),
      AMQP_EXCHANGE: exchange,
      AMQP_EXCHANGE_DURABLE: "false",
      METRICS_PORT: "0",
      INDEX_REFRESH_MS: "300",
    });
    later(() => collector.stop());
    const consumingSince = (t: number) =>
      collector.lines.some((l) => l.at > t && l.text.includes(`[${name}] consuming `));
    await waitFor("the collector consuming", () => Promise.resolve(consumingSince(0)), 60_000);
    const web: Web = await startWeb({});
    later(() => web.stop());
    const auth = { bearer: (await createTestToken("read")).token };

    // Apps as logcollect runs them: each connection declares the exchange topic, non-durable, not auto-delete,
    // and publishes to logstash.<logger>. Straight to the broker: only the collector's connection is cut.
    const app = async () => {
      const conn = await amqp.connect(process.env.AMQP_URL!);
      later(() => conn.close().catch(() => undefined));
      const ch = await conn.createConfirmChannel();
      await ch.assertExchange(exchange, "topic", { durable: false, autoDelete: false });
      ch.on("return", () => got.returned++);
      return async (from: number, to: number) => {
        for (const n of range(from, to)) {
          const body = {
            "@timestamp": new Date().toISOString(),
            "@version": "1",
            message: `app line ${n}`,
            n,
          };
          // Mandatory: a record no queue is bound for comes back instead of vanishing.
          ch.publish(exchange, `logstash.${name}`, Buffer.from(JSON.stringify(body)), { mandatory: true });
        }
        await ch.waitForConfirms();
      };
    };
    await (
      await app()
    )(0, BEFORE_CUT);
    await waitFor("the records before the cut", async () => (await engineCount(name)) === BEFORE_CUT, 60_000);

    await proxy.down();
    const admin = await amqp.connect(process.env.AMQP_URL!);
    later(() => admin.close().catch(() => undefined));
    await (await admin.createChannel()).deleteExchange(exchange);
    const probe = await admin.createChannel();
    probe.on("error", () => undefined);
    got.gone = await probe.checkExchange(exchange).then(
      () => false,
      () => true,
    );
    await pause(5_000);
    const upAt = Date.now();
    await proxy.up();
    await waitFor("the collector consuming again", () => Promise.resolve(consumingSince(upAt)), 90_000);
    got.backAfterMs = Date.now() - upAt;

    // A logcollect app reconnecting now declares the exchange as alco declared it again: no 406.
    await (
      await app()
    )(BEFORE_CUT, BEFORE_CUT + AFTER_BACK);
    const check = await admin.createChannel();
    check.on("error", () => undefined);
    got.durableAfter = await check.assertExchange(exchange, "topic", { durable: true }).then(
      () => true,
      () => false,
    );
    await waitFor(
      "every record published after the collector was back",
      async () => (await engineCount(name)) >= BEFORE_CUT + AFTER_BACK,
      90_000,
    ).catch(() => undefined);
    await pause(1_000);
    got.numbers = numbersOf(await grepAll(web.baseUrl, auth, name));
    got.collectorLog = collector.lines.map((l) => `+${l.at - upAt} ms ${l.text}`);
    console.log(
      `[rabbitmq-restart, non-durable exchange] collector consuming again ${got.backAfterMs} ms after up; ` +
        `${got.numbers.length} of ${BEFORE_CUT + AFTER_BACK} records found, ${got.returned} returned unroutable`,
    );
  }, 6 * 60_000);

  afterAll(async () => {
    for (const step of steps) await step().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  }, 120_000);

  it("the collector declares the vanished exchange again, non-durable, and binds its queue again by itself", () => {
    expect(got.gone).toBe(true);
    expect(got.backAfterMs, got.collectorLog.slice(-20).join("\n")).not.toBeNull();
    expect(got.durableAfter).toBe(false);
  });

  it("nothing published after the collector is back is lost, and nothing from before the cut either", () => {
    expect(got.returned).toBe(0);
    expect(got.numbers).toEqual(range(0, BEFORE_CUT + AFTER_BACK));
  });
});
