/**
 * The core pipeline end to end on real services: AMQP publish -> collector -> searchd + Redis -> GET /api/grep.
 * One collector for the file; each test reads an index that only its own records go to, so none depends on what
 * another test left (the 10,000-record index is shared by the tests that only read it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import amqp from "amqplib";
import { GET } from "@/app/api/grep/[logger]/route";
import { Collector } from "@/lib/collector/collector";
import { deadLetterQueue, DLQ_HEADERS } from "@/lib/amqp/topology";
import { valuesKey } from "@/lib/collector/field-values";
import type { GrepResult } from "@/lib/query/wire";
import type { LoggerIndex } from "@/db/schema";
import { threeFormatRecord } from "./three-formats";
import { comparePositions } from "@/lib/query/cursor";
import {
  collectorEnv,
  createTestIndex,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  withReadToken,
} from "./helpers";

async function grep(
  index: string,
  params: Record<string, string | string[]>,
): Promise<{ status: number; body: GrepResult & { error?: { code: string; message: string } } }> {
  const url = new URL(`http://alco.test/api/grep/${index}`);
  for (const [k, v] of Object.entries(params))
    for (const x of Array.isArray(v) ? v : [v]) url.searchParams.append(k, x);
  const res = await GET(new Request(url, await withReadToken()), {
    params: Promise.resolve({ logger: index }),
  });
  return {
    status: res.status,
    body: (await res.json()) as GrepResult & { error?: { code: string; message: string } },
  };
}

/**
 * Every match, counted by paging down the whole result: a first page reports a partial `total` once it fills
 * from the newest minutes (search-records.ts).
 */
async function matches(index: string, params: Record<string, string | string[]>): Promise<number> {
  let n = 0;
  let before: string | null = null;
  for (;;) {
    const { body } = await grep(index, { ...params, limit: "1000", ...(before ? { before } : {}) });
    n += body.records.length;
    before = body.cursors.older;
    if (!before) return n;
  }
}

/** Runs a test against a logger index of its own, dropped after it. */
async function withOwnIndex(test: (index: LoggerIndex) => Promise<void>): Promise<void> {
  const index = await createTestIndex();
  try {
    await test(index);
  } finally {
    await dropTestIndex(index);
  }
}

describe("core pipeline", () => {
  let collector: Collector;
  const env = collectorEnv();

  beforeAll(async () => {
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
  });

  describe("10,000 records in the three formats", () => {
    let index: LoggerIndex;
    const total = 10_000;
    let base: number;

    beforeAll(async () => {
      index = await createTestIndex();
      base = Date.now() - 3_600_000;
      await publish(Array.from({ length: total }, (_, i) => threeFormatRecord(i, base, index.name)));
      await waitFor("all records indexed", async () => (await engineCount(index.name)) === total, 60_000);
    });

    afterAll(async () => {
      await dropTestIndex(index);
    });

    it("indexes 10,000 records in the three formats and returns them newest first with fields intact", async () => {
      expect(await engineCount(index.name)).toBe(total);
      const seen: GrepResult["records"] = [];
      let before: string | null = null;
      for (let page = 0; page < 20; page++) {
        const { status, body } = await grep(index.name, { limit: "1000", ...(before ? { before } : {}) });
        expect(status).toBe(200);
        seen.push(...body.records);
        before = body.cursors.older;
        if (!before) break;
      }
      expect(seen).toHaveLength(total);
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [seen[i - 1]!, seen[i]!];
        expect(comparePositions(a, b)).toBeGreaterThan(0);
      }
      const byN = new Map(seen.map((r) => [r.fields.n as number, r]));
      expect(byN.size).toBe(total);

      const py = byN.get(0)!;
      expect(py.ts).toBe(base);
      expect(py).toMatchObject({
        level: "error",
        logger: "myapp.views",
        host: "web-00",
        message: "GET /api/orders/0 status=200 from web-00.prod.local",
      });
      expect(py.fields).toMatchObject({
        "@version": "1",
        tags: ["production1", "web"],
        type: "logcollect",
        seq: 0,
        project: "shop",
        application: "orders",
      });

      const winston = byN.get(1)!;
      expect(winston.ts).toBe(base + 300);
      expect(winston).toMatchObject({
        level: "warn",
        message: "payment retry 1 for user bob",
        logger: index.name,
      });
      expect(winston.fields).toEqual({ user: "bob", n: 1, service: "billing" });

      const pino = byN.get(2)!;
      expect(pino.ts).toBe(base + 600);
      expect(pino).toMatchObject({
        level: "info",
        host: "cache-1",
        logger: "cache",
        message: "cache miss key=item:2",
      });
      expect(pino.fields).toEqual({ pid: 4242, n: 2, reqId: "req-2" });
    });

    it("pages forward and back through the same pages", async () => {
      const p1 = (await grep(index.name, { limit: "100" })).body;
      const p2 = (await grep(index.name, { limit: "100", before: p1.cursors.older! })).body;
      const p3 = (await grep(index.name, { limit: "100", before: p2.cursors.older! })).body;
      const back2 = (await grep(index.name, { limit: "100", after: p3.cursors.newer! })).body;
      const back1 = (await grep(index.name, { limit: "100", after: back2.cursors.newer! })).body;
      const ids = (r: GrepResult) => r.records.map((x) => x.id);
      expect(new Set([...ids(p1), ...ids(p2), ...ids(p3)]).size).toBe(300);
      expect(ids(back2)).toEqual(ids(p2));
      expect(ids(back1)).toEqual(ids(p1));
    });

    it("searches words, phrases, wildcards and fields, with highlight offsets into the message", async () => {
      const words = (await grep(index.name, { q: "payment bob", limit: "5" })).body;
      expect(await matches(index.name, { q: "payment bob" })).toBe(3333);
      const r = words.records[0]!;
      expect(r.highlights.map(([s, e]) => r.message.slice(s, e))).toEqual(["payment", "bob"]);

      expect(await matches(index.name, { q: '"cache miss" -payment' })).toBe(3333);
      expect(await matches(index.name, { q: "web-03" })).toBe(667);
      expect(await matches(index.name, { q: "*rder*" })).toBe(3334);
      expect(await matches(index.name, { q: "retr*" })).toBe(3333);
      expect(await matches(index.name, { q: "host:web-01 host:web-02" })).toBe(1333);
      expect(await matches(index.name, { q: "level:error" })).toBe(67);
      // A page that does not fill reads the whole range: its total is exact.
      expect((await grep(index.name, { q: "level:error" })).body).toMatchObject({
        total: 67,
        totalComplete: true,
      });
      expect((await grep(index.name, { q: "reqId:req-2" })).body.records.map((x) => x.fields.n)).toEqual([2]);
      expect((await grep(index.name, { q: "n:42" })).body.records.map((x) => x.message)).toEqual([
        "GET /api/orders/42 status=200 from web-02.prod.local",
      ]);
      expect(await matches(index.name, { q: "-cache -payment" })).toBe(3334);
      expect(await matches(index.name, { filter: ["service:billing", "-user:alice"] })).toBe(3333);
      const ranged = (await grep(index.name, { from: "now-2h", to: "now-1h", q: "payment" })).body;
      expect(ranged.records.every((x) => x.ts <= Date.now() - 3_600_000)).toBe(true);
    });

    it("keeps each filtered column's distinct values in Redis", async () => {
      const redis = new Redis(env.REDIS_URL);
      try {
        const hosts = await redis.zrange(valuesKey(env.REDIS_PREFIX, index.name, "host"), "0", "-1");
        expect(hosts.sort()).toEqual(["cache-1", "web-00", "web-01", "web-02", "web-03", "web-04"]);
        const levels = await redis.zrange(valuesKey(env.REDIS_PREFIX, index.name, "level"), "0", "-1");
        expect(levels.sort()).toEqual(["error", "info", "warn"]);
      } finally {
        redis.disconnect();
      }
    });
  });

  it("answers bad queries with a 400 that says what is wrong, and unknown indexes with a 404", () =>
    withOwnIndex(async (index) => {
      const quote = await grep(index.name, { q: 'status "unterminated' });
      expect(quote.status).toBe(400);
      expect(quote.body.error).toEqual({
        code: "bad_request",
        message: expect.stringContaining("unterminated quote") as string,
      });
      expect((await grep(index.name, { q: "ab*" })).body.error?.message).toContain("at least 3");
      expect((await grep(index.name, { limit: "0" })).body.error?.message).toContain("limit");
      expect((await grep(index.name, { before: "garbage" })).body.error?.message).toContain("cursor");
      expect((await grep(index.name, { from: "yesterday-ish" })).status).toBe(400);
      expect((await grep("no_such_index", {})).status).toBe(404);
      expect((await grep("Robert'); DROP", {})).status).toBe(404);
    }));

  it("dead-letters malformed messages with their reason while the good ones around them are indexed", () =>
    withOwnIndex(async (index) => {
      const now = Date.now();
      await publish([
        {
          routingKey: `x.${index.name}`,
          body: { message: "good one", timestamp: new Date(now).toISOString() },
        },
        { routingKey: `x.${index.name}`, body: "this is {not json" },
        { routingKey: `x.${index.name}`, body: { level: "info", note: "no message field" } },
        {
          routingKey: `x.${index.name}`,
          body: { message: "too old", timestamp: new Date(now - 30 * 86_400_000).toISOString() },
        },
        {
          routingKey: `x.${index.name}`,
          body: { message: "good two", timestamp: new Date(now + 1).toISOString() },
        },
      ]);
      await waitFor("good records indexed", async () => (await engineCount(index.name)) === 2);

      const conn = await amqp.connect(process.env.AMQP_URL!);
      try {
        const ch = await conn.createChannel();
        const reasons: string[] = [];
        await waitFor("three dead letters", async () => {
          const m = await ch.get(deadLetterQueue(index.queueName), { noAck: true });
          if (m) reasons.push(String(m.properties.headers?.[DLQ_HEADERS.reason]));
          return reasons.length === 3;
        });
        expect(reasons[0]).toMatch(/^not JSON: /);
        expect(reasons[1]).toMatch(/^no message text/);
        expect(reasons[2]).toMatch(/^older than the retention window of 7 days/);
      } finally {
        await conn.close();
      }
      expect((await grep(index.name, { q: "good" })).body.records.map((r) => r.message)).toEqual([
        "good two",
        "good one",
      ]);
    }));

  it("shows a logcollect exception record with every field it sent", () =>
    withOwnIndex(async (index) => {
      const at = new Date(Date.now() - 60_000);
      const traceback =
        'Traceback (most recent call last):\n  File "/srv/shop/views.py", line 42, in checkout\n    charge(card)\nValueError: card declined';
      // The shape logcollect's logstash formatter sends: wall-clock `@timestamp` with microseconds and a `Z`.
      const body = {
        "@timestamp": at.toISOString().replace("Z", "000Z"),
        "@version": "1",
        message: "checkout failed for order 9001",
        host: "web-07",
        tags: ["production1", "shop"],
        type: "logcollect",
        seq: 77,
        levelname: "ERROR",
        logger: "shop.views",
        project: "shop",
        application: "checkout",
        exc_info: traceback,
        lineno: 42,
        process: 4321,
        threadName: "MainThread",
      };
      await publish([{ routingKey: `logstash.${index.name}.shop.views`, body }]);
      await waitFor("logcollect record", async () => (await engineCount(index.name)) === 1);
      const [r] = (await grep(index.name, { q: "checkout 9001" })).body.records;
      expect(r).toMatchObject({
        ts: at.getTime(),
        level: "error",
        logger: "shop.views",
        host: "web-07",
        message: "checkout failed for order 9001",
      });
      expect(r!.fields).toEqual({
        "@version": "1",
        tags: ["production1", "shop"],
        type: "logcollect",
        seq: 77,
        project: "shop",
        application: "checkout",
        exc_info: traceback,
        lineno: 42,
        process: 4321,
        threadName: "MainThread",
      });
    }));

  it("keeps unicode verbatim and finds accented and CJK words", () =>
    withOwnIndex(async (index) => {
      const text = "café crème for 日本語 user 😀 🇫🇷 <script>alert(1)</script>";
      await publish([
        { routingKey: `x.${index.name}`, body: { message: text, emoji: "😀", ключ: "значение\u0000" } },
      ]);
      await waitFor("unicode record", async () => (await engineCount(index.name)) === 1);
      const found = (await grep(index.name, { q: "café 日本" })).body.records;
      expect(found).toHaveLength(1);
      expect(found[0]!.message).toBe(text);
      expect(found[0]!.fields).toEqual({ emoji: "😀", ключ: "значение" });
      expect(found[0]!.highlights.map(([s, e]) => text.slice(s, e))).toEqual(["café", "日本"]);
    }));

  it("keeps a message's colour sequences, finds the words beside them and marks them", () =>
    withOwnIndex(async (index) => {
      const coloured = "\u001b[1;31mERROR\u001b[0m disk \u001b[38;5;214mfull\u001b[0m on /var";
      await publish([
        {
          routingKey: `x.${index.name}`,
          // winston's colorize() colours the level field too.
          body: { message: coloured, level: "\u001b[31merror\u001b[39m", note: "\u001b[2mdim\u001b[22m" },
        },
        {
          routingKey: `x.${index.name}`,
          body: { message: "\u001b[2K\u001b[1Gbuilding \u001b]0;vite\u0007done" },
        },
      ]);
      await waitFor("coloured records", async () => (await engineCount(index.name)) === 2);
      const found = (await grep(index.name, { q: "error full" })).body.records;
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ message: coloured, level: "error", fields: { note: "dim" } });
      expect(found[0]!.highlights.map(([s, e]) => coloured.slice(s, e))).toEqual(["ERROR", "full"]);
      const phrase = (await grep(index.name, { q: '"error disk"' })).body.records;
      expect(phrase.map((r) => r.highlights.map(([s, e]) => r.message.slice(s, e)))).toEqual([
        ["ERROR\u001b[0m disk"],
      ]);
      // The sequences' own characters are no words.
      expect((await grep(index.name, { q: "31m" })).body.records).toHaveLength(0);
      expect((await grep(index.name, { q: "level:error" })).body.records).toHaveLength(1);
      // Every other escape sequence is removed whole.
      expect((await grep(index.name, { q: "building" })).body.records.map((r) => r.message)).toEqual([
        "building done",
      ]);
    }));

  it("picks up an index created while running, without a restart", async () => {
    const late = await createTestIndex();
    try {
      await waitFor(
        "collector consumes the new index",
        () => Promise.resolve(collector.consumedIndexes.includes(late.name)),
        10_000,
      );
      await publish([{ routingKey: `app.${late.name}`, body: { message: "hello from a new index" } }]);
      await waitFor(
        "record searchable",
        async () => (await grep(late.name, { q: "hello" })).body.total === 1,
      );
    } finally {
      await dropTestIndex(late);
    }
  });

  it("exposes counters in the Prometheus text format", () =>
    withOwnIndex(async (index) => {
      await publish([
        ...["one", "two", "three"].map((n) => ({
          routingKey: `x.${index.name}`,
          body: { message: `counted ${n}` },
        })),
        { routingKey: `x.${index.name}`, body: "this is {not json" },
      ]);
      const indexed = new RegExp(`alco_collector_indexed_total\\{index="${index.name}"\\} (\\d+)`);
      const deadLettered = new RegExp(
        `alco_collector_dead_lettered_total\\{index="${index.name}",reason="not JSON"\\} (\\d+)`,
      );
      // Counters move when a batch is acked, which is after its records are searchable.
      const text = await waitFor("all four messages counted", () => {
        const t = collector.metrics.render();
        return Promise.resolve(Number(indexed.exec(t)?.[1] ?? 0) >= 3 && deadLettered.test(t) ? t : null);
      });
      expect(indexed.exec(text)?.[1]).toBe("3");
      expect(deadLettered.exec(text)?.[1]).toBe("1");
      expect(text).toContain("alco_collector_batch_seconds_bucket");
    }));
});
