/**
 * The shippers people already run, sending to the production web app (test/web-process.ts) unchanged but for
 * the URL and the token: OpenTelemetry's OTLP/HTTP log exporters (protobuf and JSON) through the logs SDK, and
 * the Loki clients pino-loki and winston-loki. Every record must come back once through the reader API with its
 * message, level, logger, host, time and fields. The web app reaches RabbitMQ through a TCP proxy
 * (test/tcp-proxy.ts), so that a test can take the broker away from it and see the client send again.
 */
import { context, SeverityNumber, trace, TraceFlags } from "@opentelemetry/api";
import { OTLPLogExporter as OtlpJsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as OtlpProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import pino from "pino";
import pinoLoki from "pino-loki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winston from "winston";
import LokiTransport from "winston-loki";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import type { LogRecord } from "@/lib/query/wire";
import { buildWorkers } from "./collector-command";
import { grepAll, pause } from "./faults/reader-client";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  waitFor,
} from "./helpers";
import { startTcpProxy, targetOf, type TcpProxy } from "./tcp-proxy";
import { ensureWebBuild, startWeb, type Web } from "./web-process";

const N = 40;
const basic = (token: string) => `Basic ${Buffer.from(`shipper:${token}`).toString("base64")}`;

let web: Web;
let proxy: TcpProxy;
let collector: Collector;
let ingestToken: string;
let readToken: string;
const indexes: LoggerIndex[] = [];

async function newIndex(): Promise<LoggerIndex> {
  const index = await createTestIndex();
  indexes.push(index);
  return index;
}

/** Every record of the index once it holds `n`, newest first; fails if more than `n` arrive. */
async function stored(index: LoggerIndex, n: number): Promise<LogRecord[]> {
  await waitFor(`${n} records in ${index.name}`, async () => (await engineCount(index.name)) >= n, 30_000);
  // A record stored twice would show up a moment later: give the collector that moment.
  await pause(500);
  const records = await grepAll(web.baseUrl, { bearer: readToken }, index.name);
  expect(records).toHaveLength(n);
  return records;
}

function byMessage(records: LogRecord[]): Map<string, LogRecord> {
  const m = new Map(records.map((r) => [r.message, r]));
  expect(m.size).toBe(records.length);
  return m;
}

beforeAll(async () => {
  await ensureWebBuild();
  buildWorkers();
  proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672));
  web = await startWeb({ AMQP_URL: proxy.url(process.env.AMQP_URL!) });
  collector = new Collector(collectorEnv(), { log: () => undefined });
  await collector.start();
  ingestToken = (await createTestToken("ingest")).token;
  readToken = (await createTestToken("read")).token;
});

afterAll(async () => {
  await collector?.stop();
  await web?.stop();
  await proxy?.close();
  for (const index of indexes) await dropTestIndex(index);
});

/** The OpenTelemetry logs SDK with one exporter; `emit` logs `n` numbered records with nanosecond times. */
function otelLogger(exporter: LogRecordExporter) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      "service.name": "checkout",
      "host.name": "web-7",
      "deployment.environment": "test",
    }),
    processors: [new BatchLogRecordProcessor({ exporter, scheduledDelayMillis: 100 })],
  });
  const logger = provider.getLogger("checkout.http", "1.2.0");
  const base = Date.now();
  const second = Math.floor(base / 1000);
  const nanos = (i: number) => (base % 1000) * 1_000_000 + i * 1000 + 7;
  const spanContext = trace.setSpanContext(context.active(), {
    traceId: "5b8efff798038103d269b633813fc60c",
    spanId: "eee19b7ec3c1b174",
    traceFlags: TraceFlags.SAMPLED,
  });
  const emit = (from: number, to: number) => {
    for (let i = from; i < to; i++)
      logger.emit({
        body: `order ${i} declined`,
        severityNumber: i % 2 ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: i % 2 ? "ERROR" : "INFO",
        timestamp: [second, nanos(i)],
        attributes: { "order.id": i, "payment.provider": "acme", retried: false },
        context: spanContext,
      });
  };
  const expectedNanos = (i: number) => String(BigInt(second) * 1_000_000_000n + BigInt(nanos(i)));
  return { provider, emit, expectedNanos };
}

function checkOtelRecords(records: LogRecord[], expectedNanos: (i: number) => string, from = 0, to = N) {
  const got = byMessage(records);
  for (let i = from; i < to; i++) {
    const r = got.get(`order ${i} declined`);
    expect(r, `order ${i}`).toBeDefined();
    expect(r).toMatchObject({
      level: i % 2 ? "error" : "info",
      logger: "checkout",
      host: "web-7",
      ts: Number(BigInt(expectedNanos(i)) / 1_000_000n),
    });
    expect(r!.fields).toMatchObject({
      "order.id": i,
      "payment.provider": "acme",
      retried: false,
      "deployment.environment": "test",
      "scope.name": "checkout.http",
      time_unix_nano: expectedNanos(i),
      trace_id: "5b8efff798038103d269b633813fc60c",
      span_id: "eee19b7ec3c1b174",
    });
  }
}

describe("OTLP/HTTP logs from the OpenTelemetry SDK", () => {
  it("stores every record the protobuf exporter sends, gzip-compressed, once, with its fields", async () => {
    const index = await newIndex();
    const exporter = new OtlpProtoExporter({
      url: `${web.baseUrl}/api/ingest/${index.name}/v1/logs`,
      headers: { authorization: `Bearer ${ingestToken}` },
      compression: CompressionAlgorithm.GZIP,
    });
    const { provider, emit, expectedNanos } = otelLogger(exporter);
    emit(0, N);
    await provider.shutdown();
    checkOtelRecords(await stored(index, N), expectedNanos);
  });

  it("stores every record the JSON exporter sends with the token as HTTP Basic", async () => {
    const index = await newIndex();
    const exporter = new OtlpJsonExporter({
      url: `${web.baseUrl}/api/ingest/${index.name}/v1/logs`,
      headers: { authorization: basic(ingestToken) },
    });
    const { provider, emit, expectedNanos } = otelLogger(exporter);
    emit(0, N);
    await provider.shutdown();
    checkOtelRecords(await stored(index, N), expectedNanos);
  });

  it("answers 503 with Retry-After while the broker is away, and the exporter's retries store every record once", async () => {
    const index = await newIndex();
    const url = `${web.baseUrl}/api/ingest/${index.name}/v1/logs`;
    const exporter = new OtlpProtoExporter({ url, headers: { authorization: `Bearer ${ingestToken}` } });
    const { provider, emit, expectedNanos } = otelLogger(exporter);
    emit(0, N / 2);
    await provider.forceFlush();
    await waitFor("the first half", async () => (await engineCount(index.name)) === N / 2);

    await proxy.down();
    try {
      const refused = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${ingestToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: "x" } }] }] }],
        }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await refused.json()) as { code: number }).code).toBe(14);
      emit(N / 2, N);
      // The batch goes out within 100 ms and is refused; the broker comes back before the exporter gives up.
      await pause(2500);
    } finally {
      await proxy.up();
    }
    await provider.shutdown();
    checkOtelRecords(await stored(index, N), expectedNanos);
  });
});

describe("Loki push from Loki clients", () => {
  it("stores every line pino-loki sends, with its labels, JSON fields and time", async () => {
    const index = await newIndex();
    const transport = pinoLoki({
      host: `${web.baseUrl}/api/ingest/${index.name}/`,
      basicAuth: { username: "pino", password: ingestToken },
      labels: { app: "shop" },
      batching: { interval: 0.2 },
      silenceErrors: false,
    });
    const logger = pino({ base: { hostname: "web-9", pid: 4242 } }, transport);
    const sent: number[] = [];
    for (let i = 0; i < N; i++) {
      sent.push(Date.now());
      if (i % 2) logger.warn({ cart: i, user: { id: `u${i}` } }, `cart ${i} abandoned`);
      else logger.info({ cart: i }, `cart ${i} abandoned`);
    }
    await pause(300);
    transport.end();
    await new Promise((r) => transport.on("close", r));
    const got = byMessage(await stored(index, N));
    for (let i = 0; i < N; i++) {
      const r = got.get(`cart ${i} abandoned`)!;
      expect(r, `cart ${i}`).toBeDefined();
      expect(r).toMatchObject({ level: i % 2 ? "warn" : "info", logger: "shop", host: "web-9" });
      expect(Math.abs(r.ts - sent[i]!)).toBeLessThan(1000);
      expect(r.fields).toMatchObject({ cart: i, pid: 4242 });
      // pino-loki writes pino's millisecond times as nanoseconds through a double: kept as it sent them.
      expect(BigInt(r.fields.time_unix_nano as string) / 1_000_000n).toBe(BigInt(r.ts));
      if (i % 2) expect(r.fields.user).toEqual({ id: `u${i}` });
    }
  });

  it("stores every line winston-loki sends as snappy protobuf, and keeps a batch sent while the broker is away", async () => {
    const index = await newIndex();
    const transport = new LokiTransport({
      host: `${web.baseUrl}/api/ingest/${index.name}`,
      basicAuth: `winston:${ingestToken}`,
      labels: { job: "billing", host: "web-3" },
      format: winston.format.json(),
      replaceTimestamp: false,
      interval: 0.2,
      gracefulShutdown: false,
    });
    // Snappy protobuf, what it sends whenever the snappy binding loads.
    expect((transport as unknown as { batcher: { contentType: string } }).batcher.contentType).toBe(
      "application/x-protobuf",
    );
    const logger = winston.createLogger({ transports: [transport] });
    const times = new Map<string, number>();
    const log = (i: number) => {
      const at = new Date();
      times.set(`invoice ${i} sent`, at.getTime());
      logger.log({
        level: i % 2 ? "error" : "info",
        message: `invoice ${i} sent`,
        invoice: i,
        timestamp: at.toISOString(),
      });
    };
    for (let i = 0; i < N / 2; i++) log(i);
    await waitFor("the first half", async () => (await engineCount(index.name)) === N / 2);

    await proxy.down();
    try {
      for (let i = N / 2; i < N; i++) log(i);
      // winston-loki's batch goes out within 200 ms, is refused with a 503, and is queued again.
      await pause(1500);
      expect(await engineCount(index.name)).toBe(N / 2);
    } finally {
      await proxy.up();
    }
    // winston-loki waits a minute before it tries again after a failure; closing sends what it kept at once.
    await transport.close();
    const got = byMessage(await stored(index, N));
    for (let i = 0; i < N; i++) {
      const r = got.get(`invoice ${i} sent`)!;
      expect(r, `invoice ${i}`).toBeDefined();
      expect(r).toMatchObject({ level: i % 2 ? "error" : "info", logger: "billing", host: "web-3" });
      expect(r.ts).toBe(times.get(r.message));
      expect(r.fields).toMatchObject({ invoice: i });
    }
  });
});

describe("bad input from a shipper", () => {
  const post = (path: string, body: BodyInit, headers: Record<string, string>) =>
    fetch(`${web.baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ingestToken}`, ...headers },
      body,
    });

  it("answers each protocol's own error for a malformed body, and stores nothing of it", async () => {
    const index = await newIndex();
    const otlp = `/api/ingest/${index.name}/v1/logs`;
    const loki = `/api/ingest/${index.name}/loki/api/v1/push`;
    const badProto = await post(otlp, new Uint8Array([0x0a, 0x05, 0x0a, 0x03]), {
      "content-type": "application/x-protobuf",
    });
    expect(badProto.status).toBe(400);
    expect(badProto.headers.get("content-type")).toBe("application/x-protobuf");
    const badJson = await post(otlp, '{"resourceLogs": {}}', { "content-type": "application/json" });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      code: 3,
      message: "not an OTLP ExportLogsServiceRequest: body.resourceLogs: expected an array",
    });
    const wrongType = await post(otlp, "x", { "content-type": "text/plain" });
    expect(wrongType.status).toBe(415);
    const badSnappy = await post(loki, "not snappy", { "content-type": "application/x-protobuf" });
    expect(badSnappy.status).toBe(400);
    expect(await badSnappy.text()).toMatch(/^not a Loki push request: not snappy-compressed/);
    const badLoki = await post(loki, '{"streams":[{"stream":{},"values":[[1,"x"]]}]}', {
      "content-type": "application/json",
    });
    expect(badLoki.status).toBe(400);
    expect(await badLoki.text()).toMatch(/streams\[0\]\.values\[0\]\[0\]: expected nanoseconds/);
    const noToken = await fetch(`${web.baseUrl}${otlp}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { code: number }).code).toBe(16);
    const unknown = await post(`/api/ingest/no_such_index/loki/api/v1/push`, "{}", {
      "content-type": "application/json",
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('no logger index named "no_such_index"\n');
    const gzipLie = await post(loki, "{}", {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    expect(gzipLie.status).toBe(400);
    await pause(700);
    expect(await engineCount(index.name)).toBe(0);
  });

  it("stores the rest of a body and names the records too large to store", async () => {
    const index = await newIndex();
    const big = "z".repeat(1024 * 1024);
    const otlp = await post(
      `/api/ingest/${index.name}/v1/logs`,
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [{ logRecords: [{ body: { stringValue: "fits" } }, { body: { stringValue: big } }] }],
          },
        ],
      }),
      { "content-type": "application/json" },
    );
    expect(otlp.status).toBe(200);
    expect(await otlp.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: "1",
        errorMessage: `log record 1: over ${1024 * 1024} bytes as a record`,
      },
    });
    const loki = await post(
      `/api/ingest/${index.name}/loki/api/v1/push`,
      JSON.stringify({
        streams: [
          {
            stream: { job: "x" },
            values: [
              [`${Date.now()}000000`, "fits too"],
              [`${Date.now()}000001`, big],
            ],
          },
        ],
      }),
      { "content-type": "application/json" },
    );
    expect(loki.status).toBe(400);
    expect(await loki.text()).toBe(
      `1 of 2 entries not stored: entry 1: over ${1024 * 1024} bytes as a record\n`,
    );
    const records = await stored(index, 2);
    expect(records.map((r) => r.message).sort()).toEqual(["fits", "fits too"]);
  });

  it("answers 413 to a body over the size limit", async () => {
    const index = await newIndex();
    const big = new Uint8Array(11 * 1024 * 1024);
    const otlp = await post(`/api/ingest/${index.name}/v1/logs`, big, {
      "content-type": "application/x-protobuf",
    });
    expect(otlp.status).toBe(413);
    const loki = await post(`/api/ingest/${index.name}/loki/api/v1/push`, big, {
      "content-type": "application/json",
    });
    expect(loki.status).toBe(413);
  });
});
