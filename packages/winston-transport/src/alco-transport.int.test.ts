/**
 * The winston transport end to end on the test stack: winston -> RabbitMQ (the run's exchange) -> a real Collector
 * -> searchd -> GET /api/grep. Outages are made per transport, never by stopping the shared RabbitMQ: either the
 * server closes the transport's connection (rabbitmqctl), or the transport talks through a TCP proxy that the test
 * kills and restarts.
 */
import type { PublisherWarning } from "@alco/amqp-publisher";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import winston from "winston";
import type { LoggerIndex } from "@/db/schema";
import { engineCount, waitFor } from "@/test/helpers";
import { startTcpProxy, targetOf } from "@/test/tcp-proxy";
import * as alco from "../../amqp-publisher/test/alco-harness";
import { AlcoTransport, type AlcoTransportOptions } from "./alco-transport";

function setup(index: LoggerIndex, options: Partial<AlcoTransportOptions> = {}) {
  const warnings: PublisherWarning[] = [];
  const transport = new AlcoTransport({
    url: process.env.AMQP_URL!,
    exchange: process.env.AMQP_EXCHANGE!,
    logger: index.name,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    onWarning: (w) => warnings.push(w),
    ...options,
  });
  const logger = winston.createLogger({ level: "debug", transports: [transport] });
  return { index, transport, logger, warnings };
}

/** winston's way to wait for everything logged: end the logger; its 'finish' waits for each transport's. */
async function endLogger(logger: winston.Logger): Promise<void> {
  const finished = once(logger, "finish");
  logger.end();
  await finished;
}

describe("@alco/winston-transport", () => {
  const { newIndex } = alco.withCollector();

  it("delivers log calls that GET /api/grep finds with level, message, host, logger and meta intact", async () => {
    const { index, transport, logger } = setup(await newIndex());
    const err = Object.assign(new Error("card declined"), { code: "E_CARD" });
    for (const line of alco.sampleLines(err)) logger.log(line.level, line.message, line.fields);
    await endLogger(logger);
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: 4, dropped: 0 });
    await alco.expectSampleFound(index.name, {
      name: "Error",
      message: "card declined",
      stack: err.stack,
      code: "E_CARD",
    });
  });

  it("loses nothing when RabbitMQ closes the transport's connection mid-stream", async () => {
    const connectionName = `alco-test-winston-${Date.now()}`;
    const { index, transport, logger, warnings } = setup(await newIndex(), { connectionName });
    await waitFor("connected", () => Promise.resolve(transport.stats().connected));
    let n = 0;
    const logSome = (k: number) => {
      for (const end = n + k; n < end; n++) logger.info(`line ${n} of the cut stream`, { n });
    };
    logSome(500);
    await alco.keepLoggingUntil(alco.forceCloseConnection(connectionName), () => logSome(20));
    logSome(500);
    await endLogger(logger);

    const unavailable = warnings.filter((w) => w.code === "ALCO_RABBITMQ_UNAVAILABLE");
    expect(unavailable[0]?.message).toMatch(/CONNECTION_FORCED/);
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: n, dropped: 0 });
    await alco.expectExactlyOnce(index.name, 0, n);
  });

  it("buffers 3000 lines while RabbitMQ is unreachable and delivers each exactly once when it is back", async () => {
    const proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    const { index, transport, logger, warnings } = setup(await newIndex(), {
      url: proxy.url(process.env.AMQP_URL!),
    });
    try {
      await waitFor("connected", () => Promise.resolve(transport.stats().connected));
      // 1000 lines reach RabbitMQ and get indexed, but their confirms are lost with the connection: the
      // transport must send them again, and the collector must store each once.
      await proxy.mute();
      for (let n = 0; n < 1000; n++) logger.info(`before the outage ${n}`, { n });
      await waitFor("first lines indexed", async () => (await engineCount(index.name)) === 1000);
      expect(transport.stats()).toMatchObject({ confirmed: 0, buffered: 1000 });
      await proxy.down();
      await waitFor("disconnect noticed", () => Promise.resolve(!transport.stats().connected));
      for (let n = 1000; n < 4000; n++) logger.info(`during the outage ${n}`, { n });
      await alco.pause(1500); // several failed reconnects
      expect(transport.stats()).toMatchObject({ connected: false, buffered: 4000, dropped: 0 });
      await proxy.up();
      await endLogger(logger);
    } finally {
      await proxy.close();
    }
    expect(warnings.filter((w) => w.code === "ALCO_RABBITMQ_UNAVAILABLE")).toHaveLength(1);
    expect(transport.stats()).toMatchObject({ buffered: 0, published: 5000, confirmed: 4000, dropped: 0 });
    await alco.expectExactlyOnce(index.name, 0, 4000);
  });

  it("keeps only the newest maxBuffer lines through a longer outage and counts the dropped ones", async () => {
    const proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    const { index, transport, logger, warnings } = setup(await newIndex(), {
      url: proxy.url(process.env.AMQP_URL!),
      maxBuffer: 100,
    });
    const warned: Error[] = [];
    transport.on("warn", (err: Error) => warned.push(err));
    try {
      await waitFor("connected", () => Promise.resolve(transport.stats().connected));
      await proxy.down();
      await waitFor("disconnect noticed", () => Promise.resolve(!transport.stats().connected));
      for (let n = 0; n < 250; n++) logger.info(`overflow ${n}`, { n });
      expect(transport.stats()).toMatchObject({ buffered: 100, dropped: 150 });
      expect(transport.dropped).toBe(150);
      await proxy.up();
      await endLogger(logger);
    } finally {
      await proxy.close();
    }
    expect(warnings.filter((w) => w.code === "ALCO_RECORDS_DROPPED")).toHaveLength(1);
    expect(warned.map((e) => (e as Error & { code: string }).code)).toContain("ALCO_RECORDS_DROPPED");
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: 100, dropped: 150 });
    await alco.expectExactlyOnce(index.name, 150, 250);
  });

  it("keeps the call order of 5000 lines logged in one tight loop, read back in pages of 100 both ways", async () => {
    const { index, transport, logger } = setup(await newIndex());
    const total = 5000;
    const from = Date.now();
    for (let n = 0; n < total; n++) logger.info(`call ${n}`, { n });
    await endLogger(logger);
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: total, dropped: 0 });
    await alco.expectIndexed(index.name, total);

    const { down, up, largestPage } = await alco.grepBothWays(index.name, from, 100);
    // Many lines to a millisecond, or the order would come from time alone.
    expect(alco.mostInOneMs(down)).toBeGreaterThan(10);
    expect(largestPage).toBe(100);
    expect(alco.callOrder(down, total)).toEqual(alco.inCallOrder(total));
    expect(alco.callOrder(up, total)).toEqual(alco.inCallOrder(total));
  });

  it("close() right after logging waits until every line is confirmed, then emits 'close'", async () => {
    const { index, transport, logger } = setup(await newIndex());
    const n = 5000;
    for (let i = 0; i < n; i++) logger.info(`closing line ${i}`, { n: i });
    const closed = once(transport, "close");
    transport.close();
    await closed;
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: n, dropped: 0, connected: false });
    await alco.expectIndexed(index.name, n);
  });

  it("logger.close() flushes too: winston unpipes the transport, which closes it", async () => {
    const { index, transport, logger } = setup(await newIndex());
    const n = 2000;
    for (let i = 0; i < n; i++) logger.info(`logger close line ${i}`, { n: i });
    const closed = once(transport, "close");
    logger.close();
    await closed;
    expect(transport.stats()).toMatchObject({ buffered: 0, confirmed: n, dropped: 0 });
    await alco.expectIndexed(index.name, n);
  });
});
