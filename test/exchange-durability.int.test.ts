/**
 * The logs exchange declared by whoever comes first: a Python app through logcollect (its `default_config()`
 * declares it topic, non-durable, not auto-delete, on every connect), a collector, our transports. Each test has
 * an exchange of its own, so that how one was declared never leaks into another run; a real Collector consumes
 * from it and GET /api/grep shows what arrived.
 */
import type { PublisherWarning } from "@alco/amqp-publisher";
import { AlcoTransport, type AlcoTransportOptions } from "@alco/winston-transport";
import amqp from "amqplib";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import winston from "winston";
import { GET } from "@/app/api/grep/[logger]/route";
import type { LoggerIndex } from "@/db/schema";
import { deadLetterExchange, liveExchange } from "@/lib/amqp/topology";
import { Collector } from "@/lib/collector/collector";
import { createIndex } from "@/lib/indexes/logger-indexes";
import type { GrepResult } from "@/lib/query/wire";
import {
  apiRequest,
  collectorEnv,
  db,
  dropTestIndex,
  engine,
  engineCount,
  uniqueName,
  waitFor,
} from "./helpers";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch((err: Error) => console.error(err.message));
});

/**
 * A logger index whose queue is not declared yet: the collector declares it, bound to the test's exchange (a
 * queue's dead-letter arguments name the exchange, so one declared for the run's exchange would not do).
 */
async function newIndex(): Promise<LoggerIndex> {
  const name = uniqueName();
  const index = await createIndex(db(), { name, queueName: `alco_test_${name}` });
  cleanup.push(() => dropTestIndex(index));
  await waitFor(`tables of ${name}`, async () => (await engine().tables()).has(name));
  return index;
}

/** An exchange name of this test's own; it and the exchanges named after it are deleted afterwards. */
function ownExchange(): string {
  const name = uniqueName("alco_durability");
  cleanup.push(async () => {
    const conn = await amqp.connect(process.env.AMQP_URL!);
    const ch = await conn.createChannel();
    for (const e of [name, deadLetterExchange(name), liveExchange(name)]) await ch.deleteExchange(e);
    await conn.close();
  });
  return name;
}

/** A Collector on `exchange`, consuming `index`; its log lines are kept. */
async function startCollector(exchange: string, index: LoggerIndex, durable?: "true" | "false") {
  const lines: string[] = [];
  const collector = new Collector(
    collectorEnv({ AMQP_EXCHANGE: exchange, ...(durable && { AMQP_EXCHANGE_DURABLE: durable }) }),
    { log: (l) => lines.push(l) },
  );
  cleanup.push(() => collector.stop());
  await collector.start();
  await waitFor(`the collector consuming ${index.name}`, () =>
    Promise.resolve(collector.consumedIndexes.includes(index.name)),
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${lines.join("\n")}`);
  });
  return { lines };
}

/**
 * A Python app as logcollect's `default_config()` sets it up: it declares the exchange itself, topic,
 * durable=False, auto_delete=False, and publishes each record to `logstash.<logger name>`. Confirms here only
 * so that the test knows when the broker has them.
 */
async function logcollectApp(exchange: string) {
  const conn = await amqp.connect(process.env.AMQP_URL!);
  cleanup.push(() => conn.close());
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(exchange, "topic", { durable: false, autoDelete: false });
  return {
    async log(logger: string, records: object[]) {
      for (const r of records) ch.publish(exchange, `logstash.${logger}`, Buffer.from(JSON.stringify(r)));
      await ch.waitForConfirms();
    },
  };
}

const TRACEBACK =
  'Traceback (most recent call last):\n  File "/srv/shop/views.py", line 42, in checkout\n    charge(card)\nValueError: card declined';

/** Record `seq` as logcollect's formatter writes it: wall-clock `@timestamp` with microseconds and a `Z`. */
function logcollectRecord(logger: string, seq: number, at: Date) {
  const failed = seq % 10 === 9;
  return {
    "@timestamp": at.toISOString().replace("Z", "000Z"),
    "@version": "1",
    message: failed ? `checkout ${seq} failed` : `checkout ${seq} paid`,
    host: "web-07",
    tags: ["production1", "shop"],
    type: "logcollect",
    seq,
    levelname: failed ? "ERROR" : "INFO",
    logger,
    project: "shop",
    application: "checkout",
    ...(failed && { exc_info: TRACEBACK, lineno: 42, process: 4321, threadName: "MainThread" }),
  };
}

type FoundRecord = GrepResult["records"][number];

/** Every record of the index through GET /api/grep, newest first. */
async function grepAll(index: string): Promise<FoundRecord[]> {
  const all: FoundRecord[] = [];
  for (let before: string | null = null; ;) {
    const query = new URLSearchParams({ limit: "1000", ...(before ? { before } : {}) });
    const res = await GET(await apiRequest(`/api/grep/${index}?${query}`), {
      params: Promise.resolve({ logger: index }),
    });
    const page = (await res.json()) as GrepResult;
    expect(res.status).toBe(200);
    all.push(...page.records);
    before = page.cursors.older;
    if (!before || page.records.length === 0) return all;
  }
}

async function indexed(index: string, n: number): Promise<FoundRecord[]> {
  await waitFor(`${n} records in ${index}`, async () => (await engineCount(index)) >= n, 60_000);
  return grepAll(index);
}

function winstonOn(exchange: string, index: LoggerIndex, options: Partial<AlcoTransportOptions> = {}) {
  const warnings: PublisherWarning[] = [];
  const transport = new AlcoTransport({
    url: process.env.AMQP_URL!,
    exchange,
    logger: index.name,
    onWarning: (w) => warnings.push(w),
    ...options,
  });
  const logger = winston.createLogger({ transports: [transport] });
  const end = async () => {
    const finished = once(logger, "finish");
    logger.end();
    await finished;
  };
  return { transport, logger, warnings, end };
}

describe("the logs exchange, non-durable as logcollect's default_config() declares it", () => {
  it("with AMQP_EXCHANGE_DURABLE=false, a logcollect app gets every record into /api/grep with its extras and exc_info, and the winston transport keeps working on the same exchange", async () => {
    const exchange = ownExchange();
    const index = await newIndex();
    // alco first: what the app then declares must match what alco declared, or RabbitMQ closes its channel.
    const { lines } = await startCollector(exchange, index, "false");
    const app = await logcollectApp(exchange);
    const start = Date.now() - 60_000;
    const N = 50;
    await app.log(
      index.name,
      Array.from({ length: N }, (_, seq) => logcollectRecord(index.name, seq, new Date(start + seq * 10))),
    );

    const w = winstonOn(exchange, index);
    for (let n = 0; n < 20; n++) w.logger.info(`winston line ${n}`, { n });
    await w.end();
    expect(w.transport.stats()).toMatchObject({ confirmed: 20, dropped: 0 });

    const found = await indexed(index.name, N + 20);
    expect(found).toHaveLength(N + 20);
    const fromApp = found.filter((r) => r.fields.type === "logcollect");
    expect(fromApp.map((r) => r.fields.seq).sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: N }, (_, seq) => seq),
    );
    const failed = fromApp.find((r) => r.fields.seq === 19)!;
    expect(failed).toMatchObject({
      ts: start + 190,
      level: "error",
      logger: index.name,
      host: "web-07",
      message: "checkout 19 failed",
    });
    expect(failed.fields).toEqual({
      "@version": "1",
      tags: ["production1", "shop"],
      type: "logcollect",
      seq: 19,
      project: "shop",
      application: "checkout",
      exc_info: TRACEBACK,
      lineno: 42,
      process: 4321,
      threadName: "MainThread",
    });
    expect(fromApp.find((r) => r.fields.seq === 18)!.fields).toMatchObject({
      project: "shop",
      application: "checkout",
    });
    expect(found.filter((r) => r.message.startsWith("winston line"))).toHaveLength(20);
    // The transport (durable by default) found it non-durable: one warning, no lost connection.
    expect(w.warnings.map((x) => x.code)).toEqual(["ALCO_EXCHANGE_DECLARED_OTHERWISE"]);
    expect(w.warnings[0]!.message).toMatch(/inequivalent arg 'durable'/);
    expect(lines.filter((l) => /declared otherwise|exists/.test(l))).toEqual([]);
  });

  it("a collector left durable uses the non-durable exchange a logcollect app declared first, and says so once", async () => {
    const exchange = ownExchange();
    const [index, other] = [await newIndex(), await newIndex()];
    const app = await logcollectApp(exchange);
    const { lines } = await startCollector(exchange, index);
    await waitFor("both consumed", () => Promise.resolve(lines.some((l) => l.includes(other.name))));
    await app.log(index.name, [logcollectRecord(index.name, 1, new Date(Date.now() - 60_000))]);
    expect((await indexed(index.name, 1)).map((r) => r.message)).toEqual(["checkout 1 paid"]);
    const notes = lines.filter((l) => l.includes(`exchange "${exchange}" exists`));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("non-durable, unlike AMQP_EXCHANGE_DURABLE=true: using it as it is");
  });

  it("the reverse: a publisher set to non-durable still publishes to a durable exchange that exists", async () => {
    const exchange = ownExchange();
    const index = await newIndex();
    await startCollector(exchange, index);
    const w = winstonOn(exchange, index, { exchangeDurable: false });
    for (let n = 0; n < 20; n++) w.logger.info(`winston line ${n}`, { n });
    await w.end();
    expect(w.transport.stats()).toMatchObject({ confirmed: 20, dropped: 0 });
    expect(
      (await indexed(index.name, 20)).map((r) => r.fields.n).sort((a, b) => Number(a) - Number(b)),
    ).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(w.warnings.map((x) => x.code)).toEqual(["ALCO_EXCHANGE_DECLARED_OTHERWISE"]);
    expect(w.warnings[0]!.message).toContain(`received 'false' but current is 'true'`);
  });
});
