/**
 * The pino transport end to end on the test stack, in pino's worker thread as apps run it: pino.transport() ->
 * RabbitMQ (the run's exchange) -> a real Collector -> searchd -> GET /api/grep. The worker loads this package's
 * TypeScript source through tsx. Outages go through a TCP proxy in its own process: transport.end() blocks this
 * thread until the worker has flushed, so a proxy in this thread would stall the very flush it waits for.
 */
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { describe, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { engineCount, waitFor } from "@/test/helpers";
import { startTcpProxy, targetOf } from "@/test/tcp-proxy";
import * as alco from "../../amqp-publisher/test/alco-harness";
import type { AlcoPinoTransportOptions } from "./index";

const SOURCE = fileURLToPath(new URL("./index.ts", import.meta.url));

function pinoTo(index: LoggerIndex, options: Partial<AlcoPinoTransportOptions> = {}) {
  const transportOptions: AlcoPinoTransportOptions = {
    url: process.env.AMQP_URL!,
    exchange: process.env.AMQP_EXCHANGE!,
    logger: index.name,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  };
  // This package's source by its path: the package's exports name the built dist/, which only `npm pack` makes
  // (test/packages.int.test.ts loads that by the package's name). `targets` rather than `target`: then pino's own
  // worker loads the target, and it loads a .ts file with require(), which tsx's CommonJS hook serves in a worker
  // thread; tsx's ESM hooks do not take effect in workers on Node 20.
  const transport = pino.transport({
    targets: [{ target: SOURCE, options: transportOptions }],
    worker: { execArgv: ["--import", "tsx"] },
  });
  return { transport, logger: pino({ level: "debug" }, transport) };
}

/** Ends the transport: the worker flushes (every line confirmed) and exits, then 'close'. */
/** Ends the transport; a worker that fails instead of closing fails the test with its error, not a timeout. */
async function end(transport: ReturnType<typeof pino.transport>): Promise<void> {
  const closed = once(transport, "close");
  const failed = once(transport, "error").then(([err]) => {
    throw err instanceof Error ? err : new Error(String(err));
  });
  transport.end();
  await Promise.race([closed, failed]);
}

/** pino's logger.flush(): the worker calls back once every line so far is confirmed. */
function flush(logger: pino.Logger): Promise<void> {
  return new Promise((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve())));
}

describe("@alco/pino-transport", () => {
  const { newIndex } = alco.withCollector();

  it("delivers lines from pino's worker that GET /api/grep finds with level, message, host, logger and fields", async () => {
    const index = await newIndex();
    const { transport, logger } = pinoTo(index);
    const err = Object.assign(new Error("card declined"), { code: "E_CARD" });
    for (const line of alco.sampleLines(err)) logger[line.level](line.fields, line.message);
    await end(transport);
    await alco.expectSampleFound(index.name, {
      type: "Error",
      message: "card declined",
      stack: err.stack,
      code: "E_CARD",
    });
  });

  it("loses nothing when RabbitMQ closes the worker's connection mid-stream", async () => {
    const index = await newIndex();
    const connectionName = `alco-test-pino-${Date.now()}`;
    const { transport, logger } = pinoTo(index, { connectionName });
    let n = 0;
    const logSome = (k: number) => {
      for (const end = n + k; n < end; n++) logger.info({ n }, `line ${n} of the cut stream`);
    };
    logSome(500);
    await flush(logger); // connected, and the first lines are in
    await alco.keepLoggingUntil(alco.forceCloseConnection(connectionName), () => logSome(20));
    logSome(500);
    await end(transport);
    await alco.expectExactlyOnce(index.name, 0, n);
  });

  it("buffers 3000 lines while RabbitMQ is unreachable and delivers each exactly once when it is back", async () => {
    const index = await newIndex();
    const proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    try {
      const { transport, logger } = pinoTo(index, { url: proxy.url(process.env.AMQP_URL!) });
      for (let n = 0; n < 1000; n++) logger.info({ n }, `before the outage ${n}`);
      await flush(logger);
      // 500 lines reach RabbitMQ and get indexed, but their confirms are lost with the connection.
      await proxy.mute();
      for (let n = 1000; n < 1500; n++) logger.info({ n }, `unconfirmed ${n}`);
      await waitFor("unconfirmed lines indexed", async () => (await engineCount(index.name)) === 1500);
      await proxy.down();
      for (let n = 1500; n < 4500; n++) logger.info({ n }, `during the outage ${n}`);
      await alco.pause(1500); // several failed reconnects
      await proxy.up();
      await end(transport);
    } finally {
      await proxy.close();
    }
    await alco.expectExactlyOnce(index.name, 0, 4500);
  });

  it("transport.end() right after logging waits until every line is confirmed", async () => {
    const index = await newIndex();
    const { transport, logger } = pinoTo(index);
    const n = 5000;
    for (let i = 0; i < n; i++) logger.info({ n: i }, `closing line ${i}`);
    await end(transport);
    await alco.expectIndexed(index.name, n);
  });
});
