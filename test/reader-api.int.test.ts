/**
 * The reader's API beside grep, on real services: records published through RabbitMQ and a real collector, then
 * the route handlers called directly: histogram, facets, context, export, saved searches and the index list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { GET as histogramGET } from "@/app/api/grep/[logger]/histogram/route";
import { GET as facetsGET } from "@/app/api/grep/[logger]/facets/route";
import { GET as contextGET } from "@/app/api/grep/[logger]/context/route";
import { GET as exportGET } from "@/app/api/grep/[logger]/export/route";
import { GET as savedGET, POST as savedPOST } from "@/app/api/saved-searches/route";
import { DELETE as savedDELETE, PATCH as savedPATCH } from "@/app/api/saved-searches/[id]/route";
import { GET as indexesGET } from "@/app/api/indexes/route";
import { Collector } from "@/lib/collector/collector";
import { valuesKey } from "@/lib/collector/field-values";
import { registerColumns, setColumnFlags } from "@/lib/indexes/logger-indexes";
import type { IndexVolume } from "@/lib/indexes/index-volume";
import type { ContextResult, Facet, Facets, GrepResult, Histogram, LogRecord } from "@/lib/query/wire";
import { comparePositions, cursorOf as positionCursor } from "@/lib/query/cursor";
import { exportLine } from "@/lib/query/export-records";
import type { SavedSearch } from "@/lib/saved-searches/schema";
import type { LoggerIndex } from "@/db/schema";
import {
  collectorEnv,
  createTestIndex,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
  withReadToken,
} from "./helpers";

type Query = Record<string, string | string[]>;
/** Any route handler: each checks its own params. */
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
/** A response body: the endpoint's shape, or the API's error shape. */
type Body<T> = T & { error: { code: string; message: string } };

function url(path: string, query: Query = {}): URL {
  const u = new URL(`http://alco.test${path}`);
  for (const [k, v] of Object.entries(query))
    for (const x of Array.isArray(v) ? v : [v]) u.searchParams.append(k, x);
  return u;
}

async function call<T>(
  handler: Handler,
  path: string,
  params: Record<string, string>,
  query: Query = {},
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; body: Body<T> }> {
  const res = await handler(new Request(url(path, query), await withReadToken(init)), {
    params: Promise.resolve(params as never),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Body<T> };
}

const MIN = 60_000;
/** Main index: 60 records, one every 10 s over 10 minutes from T0 (two hours ago, on a minute boundary). */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
const N = 60;
const EXPORTED = 2500;

function seedRecord(index: string, i: number): Outgoing {
  return {
    routingKey: `app.${index}`,
    body: {
      timestamp: new Date(T0 + i * 10_000).toISOString(),
      message: `request ${i} done${i % 4 === 0 ? " payment" : ""}`,
      level: i % 5 === 0 ? "error" : "info",
      host: `web-0${i % 3}`,
      logger: i < 30 ? "svc-a" : "svc-b",
      region: i % 2 === 0 ? "eu" : "us",
      // A number or the same digits as a string: one facet value, as the `status:500` filter finds both.
      status: i % 10 === 0 ? 500 : i % 10 === 5 ? "500" : 200,
      team: i % 2 === 0 ? "blue" : "red",
      "@tag": i % 3 === 0 ? "three" : "other",
      n: i,
    },
    options: { messageId: `seed-${i}` },
  };
}

/** Outside the seeded range: values Redis tracks that have no match in it, and the last-5-minutes volume. */
function otherRecords(index: string, now: number): Outgoing[] {
  const at = (ts: number, i: number, extra: object = {}): Outgoing => ({
    routingKey: `app.${index}`,
    body: {
      timestamp: new Date(ts).toISOString(),
      message: `elsewhere ${i}`,
      level: "warn",
      host: "web-09",
      region: "ap",
      ...extra,
    },
    options: { messageId: `other-${i}` },
  });
  return [at(T0 - 3_600_000, 0), at(now - 10 * MIN, 1), at(now - MIN, 2), at(now - MIN, 3), at(now - MIN, 4)];
}

describe("reader API", () => {
  const env = collectorEnv();
  let collector: Collector;
  let main: LoggerIndex;
  let bulk: LoggerIndex;
  /** The main index's seeded records by their `n`. */
  const byN = new Map<number, LogRecord>();
  const cursorOf = (n: number) => positionCursor(byN.get(n)!);
  const range = { from: String(T0), to: String(T0 + 10 * MIN - 1) };

  beforeAll(async () => {
    main = await createTestIndex();
    bulk = await createTestIndex();
    await registerColumns(db(), main.name, ["region", "status", "team", "@tag", "n"]);
    await setColumnFlags(db(), main.name, ["region", "status", "@tag"], { filtered: true });
    collector = new Collector(env, { log: () => undefined });
    await collector.start();

    const now = Date.now();
    await publish([
      ...Array.from({ length: N }, (_, i) => seedRecord(main.name, i)),
      ...otherRecords(main.name, now),
      ...Array.from({ length: EXPORTED }, (_, i) => ({
        routingKey: `app.${bulk.name}`,
        body: { message: `bulk line ${i}`, level: "info", host: "batch-1", time: now - 60_000 + (i % 50), i },
        options: { messageId: `bulk-${i}` },
      })),
      ...Array.from({ length: 100 }, (_, i) => ({
        routingKey: `app.${bulk.name}`,
        body: { message: `noise ${i}`, time: now - 60_000 },
        options: { messageId: `noise-${i}` },
      })),
    ]);
    await waitFor("main index stored", async () => (await engineCount(main.name)) === N + 5);
    await waitFor("bulk index stored", async () => (await engineCount(bulk.name)) === EXPORTED + 100);
    const redis = new Redis(env.REDIS_URL);
    try {
      await waitFor(
        "tracked values saved",
        async () => (await redis.zcard(valuesKey(env.REDIS_PREFIX, main.name, "region"))) === 3,
      );
    } finally {
      redis.disconnect();
    }
    // Flagged only now: Redis tracks none of its values, the engine knows them all.
    await setColumnFlags(db(), main.name, ["team"], { filtered: true });

    const all = await call<GrepResult>(
      grepGET,
      `/api/grep/${main.name}`,
      { logger: main.name },
      { ...range, limit: "100" },
    );
    for (const r of all.body.records) byN.set(r.fields.n as number, r);
    expect(byN.size).toBe(N);
  });

  afterAll(async () => {
    await collector?.stop();
    if (main) await dropTestIndex(main);
    if (bulk) await dropTestIndex(bulk);
  });

  describe("GET /api/indexes", () => {
    it("lists every index with its records of the last five minutes", async () => {
      const { status, body } = await call<{ indexes: IndexVolume[] }>(indexesGET, "/api/indexes", {});
      expect(status).toBe(200);
      const listed = body.indexes.filter((i) => [main.name, bulk.name].includes(i.name));
      expect(listed).toEqual(
        [
          { name: main.name, title: "", retentionDays: 7, last5m: 3 },
          { name: bulk.name, title: "", retentionDays: 7, last5m: EXPORTED + 100 },
        ].sort((a, b) => (a.name < b.name ? -1 : 1)),
      );
    });
  });

  describe("histogram", () => {
    const histogram = (query: Query, logger = main.name) =>
      call<Histogram>(histogramGET, `/api/grep/${logger}/histogram`, { logger }, query);

    it("counts matches per nice bucket, every bucket of the range present, zeros included", async () => {
      const { status, body } = await histogram({
        from: String(T0 - 5 * MIN),
        to: String(T0 + 15 * MIN),
        buckets: "20",
      });
      expect(status).toBe(200);
      expect(body.from).toBe(T0 - 5 * MIN);
      expect(body.to).toBe(T0 + 15 * MIN);
      expect(body.bucketMs).toBe(MIN);
      expect(body.buckets.map(({ t, count }) => ({ t, count }))).toEqual(
        Array.from({ length: 21 }, (_, k) => ({
          t: T0 + (k - 5) * MIN,
          count: k >= 5 && k < 15 ? 6 : 0,
        })),
      );
      expect(body.total).toBe(N);
    });

    it("applies the query and filters as grep does", async () => {
      const payment = (await histogram({ ...range, buckets: "10", q: "payment" })).body;
      expect(payment.bucketMs).toBe(MIN);
      expect(payment.buckets.map((b) => b.count)).toEqual([2, 1, 2, 1, 2, 1, 2, 1, 2, 1]);
      expect(payment.total).toBe(15);

      const hosts = (await histogram({ ...range, buckets: "10", filter: "host:web-01" })).body;
      expect(hosts.buckets.map((b) => b.count)).toEqual(Array(10).fill(2));
      const json = (await histogram({ ...range, buckets: "10", filter: ["region:eu", "status:500"] })).body;
      // Even i with status 500: i % 10 === 0 (the number); "500" strings are at odd i.
      expect(json.total).toBe(6);
    });

    it("counts a regular expression's matches by scanning, and says how many rows it read", async () => {
      const re = (await histogram({ ...range, buckets: "10", q: "/done payment$/" })).body;
      const words = (await histogram({ ...range, buckets: "10", q: "payment" })).body;
      expect(re.buckets).toEqual(words.buckets);
      expect(re.levels).toEqual(words.levels);
      expect(re).toMatchObject({ total: 15, scanned: 15, truncated: false });
      const none = (await histogram({ ...range, buckets: "10", q: "/done payment \\d/" })).body;
      expect(none.total).toBe(0);
    });

    it("defaults to the last 24 hours in about 60 buckets of half an hour", async () => {
      const before = Date.now();
      const { body } = await histogram({});
      expect(body.to).toBeGreaterThanOrEqual(before);
      expect(body.to - body.from).toBe(24 * 3_600_000);
      expect(body.bucketMs).toBe(30 * MIN);
      expect(body.buckets.length).toBeGreaterThanOrEqual(48);
      expect(body.buckets.length).toBeLessThanOrEqual(49);
      const starts = body.buckets.map((b) => b.t);
      for (let k = 1; k < starts.length; k++) expect(starts[k]! - starts[k - 1]!).toBe(body.bucketMs);
      expect(starts[0]).toBeLessThanOrEqual(body.from);
      expect(starts[starts.length - 1]! + body.bucketMs).toBeGreaterThan(body.to);
      expect(body.total).toBe(N + 5);
    });

    it("answers bad input with a 400 that names the parameter, and an unknown index with a 404", async () => {
      const cases: [Query, string][] = [
        [{ buckets: "0" }, "buckets: at least 1"],
        [{ buckets: "501" }, "buckets: at most 500"],
        [{ buckets: "ten" }, "buckets: a whole number from 1 to 500"],
        [{ buckets: "2.5" }, "buckets: a whole number from 1 to 500"],
        [{ from: "now-1h", to: "now-2h" }, "from must not be later than to"],
        [{ from: "now+1h" }, "from: expected"],
        [{ q: 'say "hi' }, "query: unterminated quote"],
        [{ filter: "nocolon" }, "filter: expected field:value"],
      ];
      for (const [query, message] of cases) {
        const { status, body } = await histogram(query);
        expect({ query, status, code: body.error.code }).toEqual({ query, status: 400, code: "bad_request" });
        expect(body.error.message).toContain(message);
      }
      expect((await histogram({}, "no_such_index")).status).toBe(404);
    });
  });

  describe("facets", () => {
    const facets = async (query: Query) => {
      const res = await call<{ facets: Facet[] }>(
        facetsGET,
        `/api/grep/${main.name}/facets`,
        { logger: main.name },
        query,
      );
      expect(res.status).toBe(200);
      return Object.fromEntries(res.body.facets.map((f) => [f.field, f.values]));
    };

    it("lists filtered columns, level/logger/host first, values by count with tracked ones at zero", async () => {
      const { body } = await call<{ facets: Facet[] }>(
        facetsGET,
        `/api/grep/${main.name}/facets`,
        { logger: main.name },
        range,
      );
      expect(body.facets.map((f) => f.field)).toEqual([
        "level",
        "logger",
        "host",
        "@tag",
        "region",
        "status",
        "team",
      ]);
      const f = await facets(range);
      expect(f.level).toEqual([
        { value: "info", count: 48 },
        { value: "error", count: 12 },
        { value: "warn", count: 0 },
      ]);
      expect(f.host).toEqual([
        { value: "web-00", count: 20 },
        { value: "web-01", count: 20 },
        { value: "web-02", count: 20 },
        { value: "web-09", count: 0 },
      ]);
      expect(f.logger).toEqual([
        { value: "svc-a", count: 30 },
        { value: "svc-b", count: 30 },
        { value: main.name, count: 0 },
      ]);
      expect(f.region).toEqual([
        { value: "eu", count: 30 },
        { value: "us", count: 30 },
        { value: "ap", count: 0 },
      ]);
      // 500 as a number and "500" as a string are one value.
      expect(f.status).toEqual([
        { value: "200", count: 48 },
        { value: "500", count: 12 },
      ]);
      expect(f["@tag"]).toEqual([
        { value: "other", count: 40 },
        { value: "three", count: 20 },
      ]);
      // Not tracked in Redis at all: the engine's values.
      expect(f.team).toEqual([
        { value: "blue", count: 30 },
        { value: "red", count: 30 },
      ]);
    });

    it("counts a regular expression's matches by scanning, as the engine counts words", async () => {
      for (const filter of [[], ["host:web-01"], ["host:web-01", "region:eu"]]) {
        const res = await call<Facets>(
          facetsGET,
          `/api/grep/${main.name}/facets`,
          { logger: main.name },
          { ...range, q: "/done payment$/", filter },
        );
        expect(res.status).toBe(200);
        expect(res.body.scanned).toBeGreaterThan(0);
        expect(res.body.facets).toEqual(
          (
            await call<Facets>(
              facetsGET,
              `/api/grep/${main.name}/facets`,
              { logger: main.name },
              { ...range, q: "payment", filter },
            )
          ).body.facets,
        );
      }
    });

    it("leaves a facet's own filter out of its counts and applies every other filter", async () => {
      const one = await facets({ ...range, filter: "host:web-01" });
      expect(one.host).toEqual([
        { value: "web-00", count: 20 },
        { value: "web-01", count: 20 },
        { value: "web-02", count: 20 },
        { value: "web-09", count: 0 },
      ]);
      expect(one.level).toEqual([
        { value: "info", count: 16 },
        { value: "error", count: 4 },
        { value: "warn", count: 0 },
      ]);
      expect(one.region).toEqual([
        { value: "eu", count: 10 },
        { value: "us", count: 10 },
        { value: "ap", count: 0 },
      ]);

      const two = await facets({ ...range, filter: ["host:web-01", "host:web-02", "region:eu"] });
      expect(two.host).toEqual([
        { value: "web-00", count: 10 },
        { value: "web-01", count: 10 },
        { value: "web-02", count: 10 },
        { value: "web-09", count: 0 },
      ]);
      expect(two.region).toEqual([
        { value: "eu", count: 20 },
        { value: "us", count: 20 },
        { value: "ap", count: 0 },
      ]);
      expect(two.team).toEqual([{ value: "blue", count: 20 }]);

      const excluded = await facets({ ...range, filter: ["-status:500"] });
      expect(excluded.status).toEqual([
        { value: "200", count: 48 },
        { value: "500", count: 12 },
      ]);
      expect(excluded.level).toEqual([
        { value: "info", count: 48 },
        { value: "error", count: 0 },
        { value: "warn", count: 0 },
      ]);
    });

    it("applies the query, including field terms written in it, to every facet", async () => {
      const payment = await facets({ ...range, q: "payment" });
      expect(payment.host).toEqual([
        { value: "web-00", count: 5 },
        { value: "web-01", count: 5 },
        { value: "web-02", count: 5 },
        { value: "web-09", count: 0 },
      ]);
      const typed = await facets({ ...range, q: "host:web-00" });
      expect(typed.host!.filter((v) => v.count > 0)).toEqual([{ value: "web-00", count: 20 }]);
      const none = await facets({ ...range, q: "nosuchwordanywhere" });
      expect(none.region).toEqual([
        { value: "ap", count: 0 },
        { value: "eu", count: 0 },
        { value: "us", count: 0 },
      ]);
      expect(none.team).toEqual([]);
    });

    it("answers bad input with a 400 and an unknown index with a 404", async () => {
      const cases: [Query, string][] = [
        [{ q: "ab*" }, "at least 3"],
        [{ from: "yesterday" }, "from: expected"],
        [{ filter: "-:x" }, "filter: expected field:value"],
      ];
      for (const [query, message] of cases) {
        const { status, body } = await call(
          facetsGET,
          `/api/grep/${main.name}/facets`,
          { logger: main.name },
          query,
        );
        expect(status).toBe(400);
        expect(body.error.message).toContain(message);
      }
      const missing = await call<{ facets: Facet[] }>(facetsGET, "/api/grep/nope/facets", { logger: "nope" });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe("not_found");
    });
  });

  describe("context", () => {
    const context = (query: Query) =>
      call<ContextResult>(contextGET, `/api/grep/${main.name}/context`, { logger: main.name }, query);
    const ns = (records: LogRecord[]) => records.map((r) => r.fields.n);

    it("returns the anchor's neighbours with the same host, oldest first, regardless of the query", async () => {
      const { status, body } = await context({
        at: cursorOf(31),
        before: "3",
        after: "2",
        filter: "host:web-01",
        q: "payment",
      });
      expect(status).toBe(200);
      expect(ns(body.records)).toEqual([22, 25, 28, 31, 34, 37]);
      expect(body.anchorId).toBe(byN.get(31)!.id);
      expect(body.records[3]).toEqual({ ...byN.get(31)!, highlights: [] });
      expect(body.cursors).toEqual({ older: cursorOf(22), newer: cursorOf(37) });
    });

    it("extends both ways without repeating a line, and says when an end is reached", async () => {
      const first = (await context({ at: cursorOf(31), before: "3", after: "2", filter: "host:web-01" }))
        .body;
      const older = (
        await context({ at: first.cursors.older!, before: "3", after: "0", filter: "host:web-01" })
      ).body;
      expect(ns(older.records)).toEqual([13, 16, 19]);
      expect(older.cursors).toEqual({ older: cursorOf(13), newer: cursorOf(19) });
      const newer = (
        await context({ at: first.cursors.newer!, before: "0", after: "3", filter: "host:web-01" })
      ).body;
      expect(ns(newer.records)).toEqual([40, 43, 46]);
      expect(newer.cursors).toEqual({ older: cursorOf(40), newer: cursorOf(46) });

      const oldest = (
        await context({ at: older.cursors.older!, before: "500", after: "0", filter: "host:web-01" })
      ).body;
      expect(ns(oldest.records)).toEqual([1, 4, 7, 10]);
      expect(oldest.cursors.older).toBeNull();
      const newest = (
        await context({ at: newer.cursors.newer!, before: "0", after: "500", filter: "host:web-01" })
      ).body;
      expect(ns(newest.records)).toEqual([49, 52, 55, 58]);
      expect(newest.cursors.newer).toBeNull();
    });

    it("without filters, shows every neighbour; 0/0 is the anchor alone", async () => {
      const all = (await context({ at: cursorOf(10), before: "2", after: "2" })).body;
      expect(ns(all.records)).toEqual([8, 9, 10, 11, 12]);
      const alone = (await context({ at: cursorOf(0), before: "0", after: "0" })).body;
      expect(ns(alone.records)).toEqual([0]);
      // Nothing older in range than the first seeded record but the one an hour earlier.
      expect(alone.cursors).toEqual({ older: cursorOf(0), newer: cursorOf(0) });
    });

    it("reads across days: each side reaches every day before or after the anchor's own", async () => {
      const days = await createTestIndex();
      try {
        const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
        const times = [
          midnight - 3 * 86_400_000 + 43_200_000,
          midnight - 1,
          midnight,
          midnight + 1,
          Date.now() - 1000,
        ];
        await publish(
          times.map((time, n) => ({
            routingKey: `app.${days.name}`,
            body: { message: `day line ${n}`, time, host: "web-days", n },
            options: { messageId: `${days.name}-${n}` },
          })),
        );
        await waitFor("days stored", async () => (await engineCount(days.name)) === times.length);
        const page = await call<GrepResult>(
          grepGET,
          `/api/grep/${days.name}`,
          { logger: days.name },
          { from: String(times[0]! - 1), limit: "10" },
        );
        const at = (n: number) => positionCursor(page.body.records.find((r) => r.fields.n === n)!);
        const around = (query: Query) =>
          call<ContextResult>(contextGET, `/api/grep/${days.name}/context`, { logger: days.name }, query);
        for (const n of [0, 1, 2, 4])
          expect(
            ns((await around({ at: at(n), before: "9", after: "9" })).body.records),
            `around ${n}`,
          ).toEqual([0, 1, 2, 3, 4]);
        expect(ns((await around({ at: at(2), before: "9", after: "0" })).body.records)).toEqual([0, 1]);
        expect(ns((await around({ at: at(1), before: "0", after: "9" })).body.records)).toEqual([2, 3, 4]);
      } finally {
        await dropTestIndex(days);
      }
    });

    it("answers a missing anchor with a 404 and bad input with a 400", async () => {
      const r = byN.get(31)!;
      const gone = await context({ at: `${r.ts}_${r.seq}_${BigInt(r.id) + 1n}` });
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe("not_found");
      expect((await context({ at: cursorOf(31), filter: "host:web-00" })).status).toBe(404);
      const cases: [Query, string][] = [
        [{}, "at: required"],
        [{ at: "yesterday" }, "at: not a cursor"],
        [{ at: cursorOf(31), before: "501" }, "before: at most 500"],
        [{ at: cursorOf(31), after: "-1" }, "after: at least 0"],
        [{ at: cursorOf(31), filter: "bad" }, "filter: expected field:value"],
      ];
      for (const [query, message] of cases) {
        const { status, body } = await context(query);
        expect(status).toBe(400);
        expect(body.error.message).toContain(message);
      }
    });
  });

  describe("export", () => {
    const exportRes = async (query: Query, init?: RequestInit) =>
      exportGET(new Request(url(`/api/grep/${bulk.name}/export`, query), await withReadToken(init)), {
        params: Promise.resolve({ logger: bulk.name }),
      });

    it("streams every match newest first as NDJSON, beyond one page, with download headers", async () => {
      const res = await exportRes({ q: "bulk", format: "ndjson" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/x-ndjson");
      expect(res.headers.get("content-disposition")).toMatch(
        new RegExp(`^attachment; filename="${bulk.name}-\\d{8}-\\d{6}\\.ndjson"$`),
      );
      const text = await res.text();
      expect(text.endsWith("\n")).toBe(true);
      const lines = text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Omit<LogRecord, "highlights">);
      expect(lines).toHaveLength(EXPORTED);
      expect(new Set(lines.map((l) => l.fields.i)).size).toBe(EXPORTED);
      for (let k = 1; k < lines.length; k++) {
        const [a, b] = [lines[k - 1]!, lines[k]!];
        expect(comparePositions(a, b)).toBeGreaterThan(0);
      }
      expect(Object.keys(lines[0]!).sort()).toEqual(
        ["fields", "host", "id", "level", "logger", "message", "seq", "time", "ts"].sort(),
      );
    });

    it("streams a regular expression's matches, reading past pages that hold none", async () => {
      const res = await exportRes({ format: "text", q: "/bulk line \\d*7$/" });
      expect(res.status).toBe(200);
      const lines = (await res.text()).trimEnd().split("\n");
      const expected = Array.from({ length: EXPORTED }, (_, i) => i).filter((i) => i % 10 === 7);
      expect(lines.map((l) => Number(/(\d+)$/.exec(l)![1])).sort((x, y) => x - y)).toEqual(expected);
      // No word to narrow by (a group): every row is read, newest first, and the noise lines are the oldest.
      const late = await exportRes({ format: "ndjson", q: "/^(noise) 1\\d$/" });
      const found = (await late.text()).trimEnd().split("\n");
      expect(found.map((l) => (JSON.parse(l) as LogRecord).message).sort()).toEqual(
        Array.from({ length: 10 }, (_, i) => `noise 1${i}`),
      );
    });

    it("streams plain log lines oldest first, like a log file, beyond one page", async () => {
      const res = await exportRes({ format: "text", q: "bulk" });
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(res.headers.get("content-disposition")).toMatch(/\.log"$/);
      const lines = (await res.text()).trimEnd().split("\n");
      expect(lines).toHaveLength(EXPORTED);
      for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z batch-1 \S+ INFO bulk line \d+$/);
      // The NDJSON export's records, newest first, in reverse: the same (ts, seq, id) order, ties included.
      const newest = (await (await exportRes({ format: "ndjson", q: "bulk" })).text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as LogRecord);
      expect(lines).toEqual(newest.reverse().map((r) => exportLine(r, "text").trimEnd()));
      const all = (await (await exportRes({ format: "text" })).text()).trimEnd().split("\n");
      expect(all).toHaveLength(EXPORTED + 100);
      expect(all.filter((l) => / - noise \d+$/.test(l))).toHaveLength(100);
    });

    it("stops paging when the client goes away", async () => {
      const abort = new AbortController();
      const res = await exportRes({}, { signal: abort.signal });
      const reader = res.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      abort.abort();
      let chunks = 0;
      while (!(await reader.read()).done) chunks++;
      // At most the page already fetched ahead is still delivered, not the remaining pages.
      expect(chunks).toBeLessThanOrEqual(1);
    });

    it("validates before streaming: bad input is a JSON 400, an unknown index a 404", async () => {
      const cases: [Query, string][] = [
        [{ format: "xml" }, 'format: "ndjson" or "text"'],
        [{ q: '"open' }, "unterminated quote"],
        [{ from: "now", to: "now-1d" }, "from must not be later than to"],
      ];
      for (const [query, message] of cases) {
        const res = await exportRes(query);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(((await res.json()) as Body<unknown>).error.message).toContain(message);
      }
      const missing = await exportGET(new Request(url("/api/grep/nope/export"), await withReadToken()), {
        params: Promise.resolve({ logger: "nope" }),
      });
      expect(missing.status).toBe(404);
    });
  });

  describe("saved searches", () => {
    const post = (body: unknown) =>
      call<SavedSearch>(
        savedPOST,
        "/api/saved-searches",
        {},
        {},
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        },
      );
    const list = (query: Query) =>
      call<{ savedSearches: SavedSearch[] }>(savedGET, "/api/saved-searches", {}, query);
    const del = (id: string) =>
      call<unknown>(savedDELETE, `/api/saved-searches/${id}`, { id }, {}, { method: "DELETE" });
    const patch = (id: string, body: unknown) =>
      call<SavedSearch>(
        savedPATCH,
        `/api/saved-searches/${id}`,
        { id },
        {},
        {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        },
      );

    it("creates, lists newest first and deletes", async () => {
      const a = await post({ indexName: main.name, name: "errors", url: `/grep/${main.name}?q=level:error` });
      expect(a.status).toBe(201);
      expect(a.body).toEqual({
        id: expect.any(Number) as number,
        indexName: main.name,
        name: "errors",
        url: `/grep/${main.name}?q=level:error`,
      });
      const b = await post({
        indexName: main.name,
        name: "web-01",
        url: `/grep/${main.name}?filter=host:web-01`,
      });
      await post({ indexName: bulk.name, name: "all", url: `/grep/${bulk.name}` });

      const listed = await list({ index: main.name });
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual({ savedSearches: [b.body, a.body] });

      const deleted = await del(String(a.body.id));
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeNull();
      expect((await list({ index: main.name })).body.savedSearches).toEqual([b.body]);
      expect((await del(String(a.body.id))).status).toBe(404);
    });

    it("renames in place, keeping the URL and the place in the list", async () => {
      const a = await post({ indexName: main.name, name: "first", url: `/grep/${main.name}?q=first` });
      const b = await post({ indexName: main.name, name: "second", url: `/grep/${main.name}?q=second` });
      const renamed = await patch(String(a.body.id), { name: "  first, renamed  " });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toEqual({ ...a.body, name: "first, renamed" });
      const listed = (await list({ index: main.name })).body.savedSearches;
      expect(listed.filter((s) => s.id === a.body.id || s.id === b.body.id)).toEqual([b.body, renamed.body]);

      const cases: [string, unknown, number, string][] = [
        [String(a.body.id), { name: "" }, 400, "name: 1 to 100 characters"],
        [String(a.body.id), { name: "n".repeat(101) }, 400, "name: 1 to 100 characters"],
        [String(a.body.id), {}, 400, "name: required"],
        [String(a.body.id), { name: "x", url: "/grep/other" }, 400, "url: only the name of a saved search"],
        [String(a.body.id), "{not json", 400, "body: not valid JSON"],
        ["abc", { name: "x" }, 400, "id: a saved search id"],
        ["999999999", { name: "x" }, 404, "no saved search with id 999999999"],
      ];
      for (const [id, body, status, message] of cases) {
        const res = await patch(id, body);
        expect({ id, body, status: res.status }).toEqual({ id, body, status });
        expect(res.body.error.message).toContain(message);
      }
      // Nothing above changed it.
      expect((await list({ index: main.name })).body.savedSearches).toContainEqual(renamed.body);
      await del(String(a.body.id));
      expect((await patch(String(a.body.id), { name: "gone" })).status).toBe(404);
      await del(String(b.body.id));
    });

    it("answers bad input with a 400 that names the field, and an unknown index with a 404", async () => {
      const good = { indexName: main.name, name: "x", url: `/grep/${main.name}` };
      const cases: [unknown, string][] = [
        [{ ...good, name: "" }, "name: 1 to 100 characters"],
        [{ ...good, name: "n".repeat(101) }, "name: 1 to 100 characters"],
        [{ ...good, name: undefined }, "name: required"],
        [{ ...good, url: `/grep/${main.name}x` }, 'url: must start with "/grep/<indexName>"'],
        [{ ...good, url: "https://example.com/" }, 'url: must start with "/grep/<indexName>"'],
        [{ ...good, indexName: "Bad Name" }, "indexName: an index name is"],
        ["{not json", "body: not valid JSON"],
        ["[1]", "body: expected a JSON object"],
        ["", "body: expected a JSON object"],
      ];
      for (const [body, message] of cases) {
        const res = await post(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toContain(message);
      }
      const unknown = await post({ ...good, indexName: "no_such_index", url: "/grep/no_such_index" });
      expect(unknown.status).toBe(404);
      expect((await list({ index: "no_such_index" })).status).toBe(404);
      expect((await list({ index: "Bad!" })).status).toBe(400);
      const badId = await del("abc");
      expect(badId.status).toBe(400);
      expect(badId.body.error.message).toContain("id: a saved search id");
    });
  });
});
