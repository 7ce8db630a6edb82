/**
 * The Elasticsearch bulk front end, written to by the real clients people run (the Elastic client's bulk helper,
 * pino-elasticsearch) over HTTP against the production web app, through the broker and the collector into the
 * engine. What is counted is what the reader API gives back. The web app talks to RabbitMQ through a TCP proxy
 * (test/tcp-proxy.ts) that one test takes down mid-send: the clients must send again what was refused, and
 * nothing may be lost or stored twice.
 */
import { Client, errors as esErrors } from "@elastic/elasticsearch";
import pino from "pino";
import pinoElastic from "pino-elasticsearch";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  testReadToken,
  waitFor,
} from "./helpers";
import { startTcpProxy, targetOf, type TcpProxy } from "./tcp-proxy";
import { ensureWebBuild, startWeb, type Web } from "./web-process";

describe("Elasticsearch bulk ingest, with the real clients", () => {
  let web: Web;
  let proxy: TcpProxy;
  let collector: Collector;
  let token: string;
  let readToken: string;
  const indexes: LoggerIndex[] = [];

  const nodeOf = (index: LoggerIndex) => `${web.baseUrl}/api/ingest/${index.name}/elastic`;
  const client = (index: LoggerIndex, opts: { compression?: boolean } = {}) =>
    new Client({ node: nodeOf(index), auth: { bearer: token }, ...opts });
  const newIndex = async () => {
    const index = await createTestIndex();
    indexes.push(index);
    return index;
  };
  const records = async (index: LoggerIndex, n: number): Promise<LogRecord[]> => {
    await waitFor(`${n} records in ${index.name}`, async () => (await engineCount(index.name)) >= n, 60_000);
    // Anything more arriving late would be a record stored twice.
    await pause(500);
    return grepAll(web.baseUrl, { bearer: readToken }, index.name);
  };

  beforeAll(async () => {
    await ensureWebBuild();
    buildWorkers();
    proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672));
    const webStarting = startWeb({ AMQP_URL: proxy.url(process.env.AMQP_URL!) }).then((w) => (web = w));
    token = (await createTestToken("ingest")).token;
    readToken = await testReadToken();
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    await webStarting;
  });
  afterAll(async () => {
    await web?.stop();
    await collector?.stop();
    await proxy?.close();
    for (const index of indexes) await dropTestIndex(index);
  });

  it("passes the client's product check and answers as an Elasticsearch 8 node", async () => {
    const index = await newIndex();
    const info = await client(index).info();
    expect(info.version.number).toMatch(/^8\./);
    expect(info).toMatchObject({ name: "alco", cluster_name: "alco", tagline: "You Know, for Search" });
    expect(await client(index).ping()).toBe(true);
    // HTTP Basic, the token as the password, as shippers that send only a user and password sign in.
    const basic = new Client({ node: nodeOf(index), auth: { username: "fluent-bit", password: token } });
    expect((await basic.info()).tagline).toBe("You Know, for Search");
    // With the trailing slash shippers put on a node's address, and the header on refusals too.
    const slash = await fetch(`${nodeOf(index)}/`, { headers: { authorization: `Bearer ${token}` } });
    expect(slash.status).toBe(200);
    expect(slash.headers.get("x-elastic-product")).toBe("Elasticsearch");
    const anonymous = await fetch(`${nodeOf(index)}/_bulk`, { method: "POST", body: "{}\n" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-elastic-product")).toBe("Elasticsearch");
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe("security_exception");
    // A shipper pointed at an index that does not exist hears so at its first call.
    const wrong = new Client({
      node: `${web.baseUrl}/api/ingest/no_such_index/elastic`,
      auth: { bearer: token },
    });
    const err = (await wrong.info().catch((e: unknown) => e)) as esErrors.ResponseError;
    expect(err).toBeInstanceOf(esErrors.ResponseError);
    expect(err.meta.statusCode).toBe(404);
    expect((err.meta.body as { error: { type: string } }).error.type).toBe("index_not_found_exception");
  });

  it("stores every document the bulk helper sends once, with its ECS fields mapped", async () => {
    const index = await newIndex();
    const N = 2000;
    const started = Date.now();
    const docs = Array.from({ length: N }, (_, n) => ({
      "@timestamp": new Date(started - (N - n)).toISOString(),
      message: `checkout step ${n}`,
      log: { level: n % 10 === 0 ? "error" : "info", file: { path: "/var/log/shop.log" } },
      host: { name: `web-${n % 3}`, os: { family: "debian" } },
      service: { name: "shop" },
      n,
    }));
    const stats = await client(index).helpers.bulk({
      datasource: docs,
      onDocument: () => ({ index: { _index: "shop-logs" } }),
      flushBytes: 64 * 1024,
    });
    expect(stats).toMatchObject({ total: N, successful: N, failed: 0 });
    const got = await records(index, N);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(docs.map((d) => d.n));
    const r7 = got.find((r) => r.fields.n === 10)!;
    expect(r7).toMatchObject({
      message: "checkout step 10",
      level: "error",
      host: "web-1",
      logger: "shop",
      ts: Date.parse(docs[10]!["@timestamp"]),
    });
    expect(r7.fields).toEqual({
      n: 10,
      log: { file: { path: "/var/log/shop.log" } },
      host: { os: { family: "debian" } },
    });
  });

  it("drops only the bad document of a bulk, and takes gzip bodies", async () => {
    const index = await newIndex();
    const dropped: unknown[] = [];
    const stats = await client(index, { compression: true }).helpers.bulk({
      datasource: [
        { message: "first" },
        { note: "no message at all" },
        { message: "third", "log.level": "warn" },
      ],
      onDocument: () => ({ create: { _index: "mixed" } }),
      onDrop: (d) => dropped.push({ status: d.status, type: d.error?.type, document: d.document }),
    });
    expect(stats).toMatchObject({ total: 3, successful: 2, failed: 1 });
    expect(dropped).toEqual([
      { status: 400, type: "document_parsing_exception", document: { note: "no message at all" } },
    ]);
    const got = await records(index, 2);
    expect(got.map((r) => [r.message, r.level]).sort()).toEqual([
      ["first", ""],
      ["third", "warn"],
    ]);
  });

  it("stores an item sent again under its own _id once, as Elasticsearch would", async () => {
    const index = await newIndex();
    const docs = Array.from({ length: 10 }, (_, n) => ({ id: `order-${n}`, message: `order ${n} paid`, n }));
    for (let round = 0; round < 2; round++) {
      const stats = await client(index).helpers.bulk({
        datasource: docs,
        onDocument: (d) => ({ index: { _index: "orders", _id: d.id } }),
      });
      expect(stats).toMatchObject({ total: 10, successful: 10 });
    }
    const got = await records(index, 10);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(docs.map((d) => d.n));
  });

  it("stores a timed document sent again without an _id once, its id made from its text", async () => {
    const index = await newIndex();
    const at = Date.now();
    const docs = Array.from({ length: 10 }, (_, n) => ({
      "@timestamp": new Date(at + n).toISOString(),
      message: `shipped ${n}`,
      n,
    }));
    for (let round = 0; round < 2; round++) {
      const stats = await client(index).helpers.bulk({
        datasource: docs,
        onDocument: () => ({ create: { _index: "filebeat-8.19.0" } }),
      });
      expect(stats).toMatchObject({ total: 10, successful: 10 });
    }
    const got = await records(index, 10);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(docs.map((d) => d.n));
  });

  it("refuses a body over the size limit with 413, in Elasticsearch's shape", async () => {
    const index = await newIndex();
    const line = JSON.stringify({ message: "x".repeat(1000) });
    const body = `{"index":{}}\n${line}\n`.repeat(34_000);
    const err = await client(index)
      .bulk({ body } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(esErrors.ResponseError);
    const meta = (err as esErrors.ResponseError).meta;
    expect(meta.statusCode).toBe(413);
    expect(meta.headers?.["x-elastic-product"]).toBe("Elasticsearch");
    // A compressed body is held to the same limit once inflated.
    const gz = await fetch(`${nodeOf(index)}/_bulk`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/x-ndjson",
        "content-encoding": "gzip",
      },
      body: gzipSync(body),
    });
    expect(gz.status).toBe(413);
  });

  it("stores what pino-elasticsearch sends, level, host and logger lifted", async () => {
    const index = await newIndex();
    const stream = pinoElastic({
      node: nodeOf(index),
      auth: { bearer: token },
      index: "pino-%{DATE}",
      esVersion: 8,
      flushBytes: 200,
      flushInterval: 100,
    });
    const insertErrors: unknown[] = [];
    stream.on("insertError", (e: unknown) => insertErrors.push(e));
    const log = pino({ name: "orders" }, stream);
    for (let n = 0; n < 50; n++) (n === 7 ? log.warn : log.info).call(log, { n }, `order ${n} placed`);
    const got = await records(index, 50);
    stream.end();
    expect(insertErrors).toEqual([]);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, n) => n),
    );
    const r = got.find((x) => x.fields.n === 7)!;
    expect(r).toMatchObject({ message: "order 7 placed", level: "warn", logger: "orders" });
    expect(r.host).not.toBe("");
  });

  it("makes the bulk helper send again, not lose, what arrives while the broker is away", async () => {
    const index = await newIndex();
    const N = 100;
    let upAt = 0;
    async function* documents() {
      for (let n = 0; n < N; n++) {
        if (n === N / 2) {
          // Every earlier request answered and stored: the outage cuts between requests, not inside a confirm.
          await waitFor("the first half", async () => (await engineCount(index.name)) === N / 2);
          await proxy.down();
          setTimeout(() => void proxy.up().then(() => (upAt = Date.now())), 3000);
        }
        yield { message: `during outage ${n}`, n };
      }
    }
    const dropped: unknown[] = [];
    const stats = await client(index).helpers.bulk({
      datasource: documents(),
      onDocument: () => ({ index: { _index: "outage" } }),
      // One document a request, so that many are refused while the broker is away.
      flushBytes: 1,
      concurrency: 2,
      retries: 30,
      wait: 500,
      onDrop: (d) => dropped.push(d),
    });
    expect(dropped).toEqual([]);
    expect(stats).toMatchObject({ total: N, successful: N, failed: 0 });
    expect(stats.retry).toBeGreaterThan(0);
    expect(upAt).toBeGreaterThan(0);
    const got = await records(index, N);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: N }, (_, n) => n),
    );
  });

  it("makes pino-elasticsearch send again what it logs while the broker is away", async () => {
    const index = await newIndex();
    const stream = pinoElastic({
      node: nodeOf(index),
      auth: { bearer: token },
      index: "pino-outage",
      esVersion: 8,
      flushBytes: 500,
      flushInterval: 100,
    });
    const dropped: unknown[] = [];
    stream.on("insertError", (e: unknown) => dropped.push(e));
    const log = pino({ name: "outage" }, stream);
    for (let n = 0; n < 20; n++) log.info({ n }, `before ${n}`);
    await waitFor("the lines before the outage", async () => (await engineCount(index.name)) === 20);
    await proxy.down();
    for (let n = 20; n < 60; n++) log.info({ n }, `during ${n}`);
    await pause(3000);
    expect(await engineCount(index.name)).toBe(20);
    await proxy.up();
    const got = await records(index, 60);
    stream.end();
    expect(dropped).toEqual([]);
    expect(got.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, n) => n),
    );
  });
});
