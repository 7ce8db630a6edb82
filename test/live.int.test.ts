/**
 * Live tails end to end on real services: AMQP publish -> collector (in process) -> engine + live exchange ->
 * the SSE route handler and /stream, their response bodies read as a client reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import amqp from "amqplib";
import fc from "fast-check";
import { execSync } from "node:child_process";
import os from "node:os";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { GET as liveGET } from "@/app/api/grep/[logger]/live/route";
import { GET as streamGET } from "@/app/stream/route";
import { Collector } from "@/lib/collector/collector";
import { liveExchange } from "@/lib/amqp/topology";
import { registerColumns, setColumnFlags } from "@/lib/indexes/logger-indexes";
import { closeLiveHub, liveHub } from "@/lib/live/live-hub";
import { compileRecordMatcher } from "@/lib/query/record-matcher";
import { SseParser, type SseMessage } from "@/lib/live/sse-parser";
import { parseQuery } from "@/lib/query/parse-query";
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import { comparePositions, cursorOf } from "@/lib/query/cursor";
import type { LoggerIndex } from "@/db/schema";
import {
  apiRequest,
  collectorEnv,
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type As,
  type Outgoing,
} from "./helpers";

type Query = Record<string, string | string[]>;

function path(base: string, query: Query): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
  return sp.size ? `${base}?${sp}` : base;
}

/** A client reading a response body as it arrives. */
type Reading = {
  status: number;
  headers: Headers;
  text: () => string;
  ended: () => boolean;
  /** Goes away as a client does: the request aborted, the body cancelled, or both. */
  close: (how?: "abort" | "cancel" | "both") => Promise<void>;
};

function read(res: Response, abort: AbortController, onText: (t: string) => void): Reading {
  let text = "";
  let ended = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const done = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const t = decoder.decode(value, { stream: true });
        text += t;
        onText(t);
      }
    } catch {
      // Aborted by the test.
    } finally {
      ended = true;
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    text: () => text,
    ended: () => ended,
    close: async (how = "both") => {
      if (how !== "cancel") abort.abort();
      if (how !== "abort") await reader.cancel().catch(() => undefined);
      await done;
    },
  };
}

type Tail = Reading & {
  events: SseMessage[];
  records: LogRecord[];
  /** Date.now() when each record arrived. */
  arrivals: number[];
  dropped: number;
  ready: boolean;
  lastId: string | undefined;
  json: () => unknown;
};

async function openTail(
  index: string,
  query: Query = {},
  opts: { lastEventId?: string; as?: As } = {},
): Promise<Tail> {
  const abort = new AbortController();
  const base = await apiRequest(path(`/api/grep/${index}/live`, query), { as: opts.as });
  const headers = new Headers(base.headers);
  if (opts.lastEventId) headers.set("last-event-id", opts.lastEventId);
  const res = await liveGET(new Request(base.url, { headers, signal: abort.signal }), {
    params: Promise.resolve({ logger: index }),
  });
  const parser = new SseParser();
  const tail = {
    events: [] as SseMessage[],
    records: [] as LogRecord[],
    arrivals: [] as number[],
    dropped: 0,
    ready: false,
    lastId: undefined as string | undefined,
  };
  const reading = read(res, abort, (t) => {
    for (const e of parser.events(t)) {
      tail.events.push(e);
      if (e.event === "records") {
        const { records } = JSON.parse(e.data) as { records: LogRecord[] };
        tail.records.push(...records);
        tail.arrivals.push(...records.map(() => Date.now()));
        tail.lastId = e.id;
      } else if (e.event === "sampled") {
        tail.dropped += (JSON.parse(e.data) as { dropped: number }).dropped;
      } else if (e.event === "ready") {
        tail.ready = true;
      }
    }
  });
  return Object.assign(tail, reading, { json: () => JSON.parse(reading.text()) as unknown });
}

async function openStream(query: Query, as?: As): Promise<Reading> {
  const abort = new AbortController();
  const base = await apiRequest(path("/stream", query), { as });
  const res = await streamGET(new Request(base.url, { headers: base.headers, signal: abort.signal }), {
    params: Promise.resolve({}),
  });
  return read(res, abort, () => undefined);
}

const messages = (rs: LogRecord[]) => rs.map((r) => r.message);
const cursor = (r: LogRecord) => cursorOf(r);

function inPositionOrder(rs: LogRecord[]): boolean {
  return rs.every((r, i) => {
    if (i === 0) return true;
    const p = rs[i - 1]!;
    return comparePositions(p, r) < 0;
  });
}

let seq = 0;
/** Lines stamped now, one millisecond apart, with unique message ids. */
function lines(index: string, texts: string[], fields: (i: number) => object = () => ({})): Outgoing[] {
  const now = Date.now();
  return texts.map((message, i) => ({
    routingKey: `app.${index}`,
    body: { message, timestamp: new Date(now + i).toISOString(), host: "web-1", ...fields(i) },
    options: { messageId: `live-${++seq}` },
  }));
}

describe("live tail", () => {
  const env = collectorEnv();
  let collector: Collector;
  let a: LoggerIndex;
  let b: LoggerIndex;
  let hidden: LoggerIndex;

  beforeAll(async () => {
    [a, b, hidden] = await Promise.all([createTestIndex(), createTestIndex(), createTestIndex()]);
    await registerColumns(db(), a.name, ["secret", "region"]);
    await setColumnFlags(db(), a.name, ["secret"], { excluded: true });
    await setColumnFlags(db(), a.name, ["region"], { indexed: true });
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
    await closeLiveHub();
    await Promise.all([a, b, hidden].map((i) => dropTestIndex(i)));
  });

  it("sends lines published after it opened within a second, in order, only those matching", async () => {
    const tail = await openTail(a.name, { q: "payment -ignored", filter: "host:web-1" });
    try {
      expect(tail.status).toBe(200);
      expect(tail.headers.get("content-type")).toBe("text/event-stream");
      expect(tail.headers.get("cache-control")).toBe("no-store");
      expect(tail.headers.get("x-accel-buffering")).toBe("no");
      await waitFor("ready", () => Promise.resolve(tail.ready), 5_000);
      // A line the query does not match goes through first, so the measurement is of the warm pipeline, not of
      // the collector's first batch after it started.
      const stored = await engineCount(a.name);
      await publish([
        {
          routingKey: `app.${a.name}`,
          body: { message: "warm-up line", host: "web-1" },
          options: { messageId: `warm-${a.name}` },
        },
      ]);
      await waitFor("warm-up stored", async () => (await engineCount(a.name)) > stored, 5_000);
      await new Promise((r) => setTimeout(r, 700));
      const texts = Array.from({ length: 40 }, (_, i) =>
        i % 4 === 0 ? `payment ${i} ignored` : i % 2 === 0 ? `payment ${i} ok` : `other ${i}`,
      );
      // On a connection opened beforehand, so that the latency is the pipeline's, not a client's connect.
      const conn = await amqp.connect(process.env.AMQP_URL!);
      const ch = await conn.createConfirmChannel();
      const published = Date.now();
      for (const m of lines(a.name, texts, (i) => (i % 8 === 6 ? { host: "web-2" } : {})))
        ch.publish(process.env.AMQP_EXCHANGE!, m.routingKey, Buffer.from(JSON.stringify(m.body)), m.options);
      await ch.waitForConfirms();
      await conn.close();
      const expected = texts.filter((t, i) => /^payment \d+ ok$/.test(t) && i % 8 !== 6);
      await waitFor("matching lines", () => Promise.resolve(tail.records.length >= expected.length), 5_000);
      // Anything else would have come with them; give stragglers a moment anyway.
      await new Promise((r) => setTimeout(r, 1000));
      expect(messages(tail.records)).toEqual(expected);
      expect(inPositionOrder(tail.records)).toBe(true);
      const latencies = tail.arrivals.map((t) => t - published);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      // Live lines carry highlights as the engine's do.
      const first = tail.records[0]!;
      expect(first.highlights.map(([s, e]) => first.message.slice(s, e))).toEqual(["payment"]);
      expect(tail.lastId).toBe(cursor(tail.records[tail.records.length - 1]!));
      expect(tail.dropped).toBe(0);
    } finally {
      await tail.close();
    }
  });

  it("back-fills exactly the lines published while disconnected when reconnecting with Last-Event-ID", async () => {
    const first = await openTail(a.name, { q: "reconnect" });
    let second: Tail | null = null;
    try {
      await waitFor("ready", () => Promise.resolve(first.ready), 5_000);
      await publish(
        lines(
          a.name,
          Array.from({ length: 10 }, (_, i) => `reconnect before ${i}`),
        ),
      );
      await waitFor("first lines", () => Promise.resolve(first.records.length === 10), 5_000);
      const lastId = first.lastId!;
      await first.close();
      await waitFor("subscription gone", () => Promise.resolve(liveHub().subscriptions === 0), 5_000);

      const before = await engineCount(a.name);
      await publish(
        lines(
          a.name,
          Array.from({ length: 25 }, (_, i) => `reconnect during ${i}`),
        ),
      );
      await waitFor("stored meanwhile", async () => (await engineCount(a.name)) === before + 25);

      second = await openTail(a.name, { q: "reconnect" }, { lastEventId: lastId });
      await waitFor("ready again", () => Promise.resolve(second!.ready), 5_000);
      await publish(
        lines(
          a.name,
          Array.from({ length: 5 }, (_, i) => `reconnect after ${i}`),
        ),
      );
      await waitFor("all lines", () => Promise.resolve(second!.records.length >= 30), 5_000);
      await new Promise((r) => setTimeout(r, 800));
      expect(messages(second.records)).toEqual([
        ...Array.from({ length: 25 }, (_, i) => `reconnect during ${i}`),
        ...Array.from({ length: 5 }, (_, i) => `reconnect after ${i}`),
      ]);
      expect(inPositionOrder([first.records[9]!, ...second.records])).toBe(true);
      // The ready event comes after the back-filled lines.
      const kinds = second.events.map((e) => e.event);
      expect(kinds.indexOf("ready")).toBeGreaterThan(kinds.indexOf("records"));
    } finally {
      await first.close();
      await second?.close();
    }
  });

  it("starts after the `after` cursor, and sends records as stored (excluded fields left out)", async () => {
    await publish(lines(a.name, ["stored view"], () => ({ secret: "hunter2", region: "eu-west" })));
    const stored = await waitFor("stored", async () => {
      const res = await grepGET(await apiRequest(`/api/grep/${a.name}?q=%22stored+view%22`), {
        params: Promise.resolve({ logger: a.name }),
      });
      return ((await res.json()) as GrepResult).records[0];
    });
    const tail = await openTail(a.name, { after: `${stored.ts - 1}_0`, q: "region=eu-west" });
    try {
      await waitFor("back-filled", () => Promise.resolve(tail.records.length === 1), 5_000);
      await publish(lines(a.name, ["stored view again"], () => ({ secret: "hunter3", region: "eu-west" })));
      await waitFor("live", () => Promise.resolve(tail.records.length === 2), 5_000);
      expect(tail.records.map((r) => r.fields)).toEqual([{ region: "eu-west" }, { region: "eu-west" }]);
    } finally {
      await tail.close();
    }
  });

  it("serves 50 concurrent tails from one process, each receiving every line", async () => {
    const tails = await Promise.all(Array.from({ length: 50 }, () => openTail(b.name)));
    try {
      await waitFor("all ready", () => Promise.resolve(tails.every((t) => t.ready)), 10_000);
      expect(liveHub().subscriptions).toBe(50);
      const texts = Array.from({ length: 200 }, (_, i) => `fan-out ${i}`);
      await publish(lines(b.name, texts));
      await waitFor(
        "every tail has every line",
        () => Promise.resolve(tails.every((t) => t.records.length >= 200)),
        10_000,
      );
      for (const t of tails) expect(messages(t.records)).toEqual(texts);
    } finally {
      // Either way of going away ends the stream and deletes the queue.
      await Promise.all(tails.map((t, i) => t.close(i % 2 ? "abort" : "cancel")));
    }
    expect(tails.every((t) => t.ended())).toBe(true);
    await waitFor("every subscription closed", () => Promise.resolve(liveHub().subscriptions === 0), 5_000);
  });

  it("samples a tail over the rate limit and accounts for every line it left out", async () => {
    const tail = await openTail(b.name, { q: "burst" });
    try {
      await waitFor("ready", () => Promise.resolve(tail.ready), 5_000);
      const now = Date.now();
      await publish(
        Array.from({ length: 3000 }, (_, i) => ({
          routingKey: `app.${b.name}`,
          body: { message: `burst ${i}`, timestamp: new Date(now + Math.floor(i / 30)).toISOString() },
          options: { messageId: `burst-${i}` },
        })),
      );
      await waitFor(
        "every line sent or counted",
        () => Promise.resolve(tail.records.length + tail.dropped === 3000),
        15_000,
      );
      expect(tail.dropped).toBeGreaterThan(0);
      expect(tail.records.length).toBeGreaterThanOrEqual(1000);
      expect(inPositionOrder(tail.records)).toBe(true);
      expect(tail.events.some((e) => e.event === "sampled")).toBe(true);
    } finally {
      await tail.close();
    }
  });

  it("keeps a tail going when the broker drops the connection, back-filling what it missed", async () => {
    const tail = await openTail(a.name, { q: "outage" });
    try {
      await waitFor("ready", () => Promise.resolve(tail.ready), 5_000);
      await publish(
        lines(
          a.name,
          Array.from({ length: 5 }, (_, i) => `outage before ${i}`),
        ),
      );
      await waitFor("first lines", () => Promise.resolve(tail.records.length === 5), 5_000);
      // The broker closes this process's live connection (as on a broker restart or a network cut).
      const row = execSync("rabbitmqctl list_connections pid client_properties -q", { encoding: "utf8" })
        .split("\n")
        .find((l) => l.includes(`alco-live ${os.hostname()} ${process.pid}`));
      execSync(`rabbitmqctl close_connection '${row!.split("\t")[0]}' 'live tail test'`);
      await publish(
        lines(
          a.name,
          Array.from({ length: 5 }, (_, i) => `outage during ${i}`),
        ),
      );
      await publish(
        lines(
          a.name,
          Array.from({ length: 5 }, (_, i) => `outage after ${i}`),
        ),
      );
      await waitFor("every line", () => Promise.resolve(tail.records.length >= 15), 15_000);
      await new Promise((r) => setTimeout(r, 800));
      expect(messages(tail.records)).toEqual(
        ["before", "during", "after"].flatMap((w) => Array.from({ length: 5 }, (_, i) => `outage ${w} ${i}`)),
      );
      expect(tail.ended()).toBe(false);
      expect(tail.dropped).toBe(0);
    } finally {
      await tail.close();
    }
  });

  it("refuses anonymous callers, viewers of other indexes, bad queries and bad cursors", async () => {
    const viewer = await createTestUser("viewer", [a.name]);
    const anon = await openTail(a.name, {}, { as: "anonymous" });
    expect(anon.status).toBe(401);
    const other = await openTail(hidden.name, {}, { as: { cookie: viewer.cookie } });
    expect(other.status).toBe(404);
    const own = await openTail(a.name, {}, { as: { cookie: viewer.cookie } });
    expect(own.status).toBe(200);
    await own.close();
    const bad = await openTail(a.name, { q: '"unterminated' });
    expect(bad.status).toBe(400);
    await bad.close();
    const badId = await openTail(a.name, {}, { lastEventId: "nope" });
    expect(badId.status).toBe(400);
    await badId.close();
    await waitFor("no subscription left", () => Promise.resolve(liveHub().subscriptions === 0), 5_000);
  });

  it("streams stitched indexes as text lines, filtered by app, proc and host regexes", async () => {
    const stream = await openStream({ app: `^(${a.name}|${b.name})$`, proc: "web|worker", host: "^web-" });
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      await waitFor("following", () => Promise.resolve(stream.text().includes("# following")), 5_000);
      const now = Date.now();
      const at = (i: number) => new Date(now + i * 10).toISOString();
      await publish([
        {
          routingKey: `app.${a.name}`,
          body: { message: "one", timestamp: at(1), logger: "web", host: "web-1" },
        },
        {
          routingKey: `app.${b.name}`,
          body: { message: "two\nmore", timestamp: at(2), logger: "myworker", host: "web-2" },
        },
        {
          routingKey: `app.${a.name}`,
          body: { message: "cron", timestamp: at(3), logger: "cron", host: "web-1" },
        },
        {
          routingKey: `app.${b.name}`,
          body: { message: "db", timestamp: at(4), logger: "web", host: "db-1" },
        },
        {
          routingKey: `app.${hidden.name}`,
          body: { message: "hidden", timestamp: at(5), logger: "web", host: "web-1" },
        },
        {
          routingKey: `app.${a.name}`,
          body: { message: "three", timestamp: at(6), logger: "worker", host: "web-3" },
        },
      ]);
      await waitFor("three records", () => Promise.resolve(stream.text().includes("three")), 5_000);
      await new Promise((r) => setTimeout(r, 500));
      const body = stream
        .text()
        .split("\n")
        .filter((l) => l && !l.startsWith("#"));
      expect(body).toEqual([
        `${at(1)} ${a.name}[web] web-1: one`,
        `${at(2)} ${b.name}[myworker] web-2: two`,
        "  more",
        `${at(6)} ${a.name}[worker] web-3: three`,
      ]);
    } finally {
      await stream.close();
    }
  });

  it("answers /stream's bad patterns with 400, no index with 404, and keeps viewers to their indexes", async () => {
    const bad = await openStream({ proc: "(" });
    expect(bad.status).toBe(400);
    expect(bad.text()).toContain("proc:");
    const slow = await openStream({ host: "(a+)+$" });
    expect(slow.status).toBe(400);
    expect((await openStream({ app: "^no_such_index$" })).status).toBe(404);
    expect((await openStream({}, "anonymous")).status).toBe(401);

    const viewer = await createTestUser("viewer", [a.name]);
    const stream = await openStream({ app: `^(${a.name}|${hidden.name})$` }, { cookie: viewer.cookie });
    try {
      await waitFor("following", () => Promise.resolve(stream.text().includes("# following")), 5_000);
      expect(stream.text()).toContain(`# following ${a.name}\n`);
      expect(stream.text()).not.toContain(hidden.name);
    } finally {
      await stream.close();
    }
  });

  it("agrees with the engine on which records a query matches, and on what it marks in them", async () => {
    const corpus = [
      { message: "Payment FAILED for order 7", level: "error", user: "Bob", status: 500 },
      { message: "payment ok for order 8", level: "info", user: "bob", status: "500" },
      { message: "GET /api/orders/9 status=200 from web-09.prod.local", host: "web-09", ratio: 1.5 },
      { message: "café crème for 日本語 user", tags: ["web", "prod"], flag: true },
      { message: "invoice voided by alice@example.com", nested: { a: 1 }, status: 404, ids: [3] },
      { message: "łódź naïve ÜBER", region: "eu-west", level: "warn" },
      { message: "retrying in 5s (attempt 3 of 10)", n: 42, status: "5000" },
      { message: "\u001b[1;31mERROR\u001b[0m disk \u001b[38;5;214mfull\u001b[0mnow", region: "eu-north" },
      {
        message: "charge failed",
        request_id: "req-f3c25632b924",
        exc_info: 'Traceback (most recent call last):\n  File "pay.py", line 3\nTimeoutError: 10s',
        trace: { id: "4bf92f3577b34da6a3ce929d0e0e4736", spans: ["00f067aa0ba902b7"] },
      },
      { message: "order 5632 shipped to b924", sku: "ab12cd34" },
    ];
    const before = await engineCount(a.name);
    await publish(
      corpus.map((body, i) => ({
        routingKey: `app.${a.name}`,
        body: { ...body, timestamp: new Date(Date.now() - 60_000 + i).toISOString(), tag: "agree" },
        options: { messageId: `agree-${i}` },
      })),
    );
    await waitFor("corpus stored", async () => (await engineCount(a.name)) === before + corpus.length);
    const grep = async (q: string): Promise<LogRecord[]> => {
      const res = await grepGET(
        await apiRequest(path(`/api/grep/${a.name}`, { q: `${q} tag:agree`, from: "now-1h" })),
        {
          params: Promise.resolve({ logger: a.name }),
        },
      );
      return ((await res.json()) as GrepResult).records;
    };
    const all = await grep("");
    expect(all).toHaveLength(corpus.length);
    const queries = [
      "payment",
      "PAYMENT failed",
      '"payment failed"',
      '"failed payment"',
      "-payment",
      "pay*",
      "*voic*",
      "*ment",
      "web-09",
      "web",
      "status=200",
      "orders/9",
      "alice@example.com",
      "example",
      "café",
      "cafe",
      "日本",
      "ÜBER",
      "über",
      "łódź",
      "level:error",
      "level:ERROR",
      "-level:info",
      "user:bob",
      "user:Bob",
      "status:500",
      "status:5000",
      "-status:500",
      "ratio:1.5",
      "tags:web",
      "flag:true",
      "n:42",
      "host:web-09",
      "eu-west",
      "region:eu-west",
      "attempt 3",
      '"5s attempt"',
      "error disk",
      '"error disk full"',
      "fullnow",
      "now",
      "31m",
      "*isk*",
      // Boolean structure: OR binds loosest, so each OR is grouped here against the ` tag:agree` appended.
      "(payment OR invoice)",
      "(payment | voided)",
      "(payment OR voided) -failed",
      "NOT payment",
      "-(payment failed)",
      "(pay* OR *voic*)",
      "((payment ok) OR (order 7))",
      "(-payment OR failed)",
      "(-payment OR -failed)",
      '("error disk" OR "payment ok")',
      "(eu-west OR nothing)",
      // Comparisons, ranges, presence, field groups
      "status:>400",
      "status:>=500",
      "status:<1000",
      "status:>-5",
      "status:[400 TO 500]",
      "status:[* TO 404]",
      "ratio:>1.2",
      "ratio:<2",
      "n:>=42",
      "flag:>0",
      "tags:<5",
      "nested:>0",
      "nested:<1",
      "ids:<5",
      "flag:<5",
      "level:>=warn",
      "level:<warn",
      "level:[info TO warn]",
      "status:*",
      "-status:*",
      "region:*",
      "tags:*",
      "nested:*",
      "host:*",
      "-host:*",
      "user:=bob",
      "status:(404 OR 500)",
      "status:(>=500 OR 404)",
      "-status:(404 OR 500)",
      "(status:404 OR level:warn)",
      "-(status:>=500)",
      "(level:error OR -status:*)",
      "(status:>=500 AND -user:bob)",
      // Regular expressions, tested by the app on the engine's candidates
      "/[Pp]ayment (FAILED|ok)/",
      "/payment failed/i",
      "/payment failed/",
      "-/order \\d/",
      "/ERROR.*disk/",
      "/^łódź/",
      "user:/^B/",
      "status:/^50/",
      "tags:/^we/",
      "host:/09$/",
      "/web-\\d+\\.prod/ status:/200/",
      "bob",
      "prod",
      "traceback",
      '"most recent call"',
      "timeouterror",
      "req-f3c25632b924",
      "f3c25632b924",
      "f3c256*",
      "f3c2*",
      "5632",
      "b924",
      "*5632*",
      "-traceback",
      "4bf92f3577b34da6a3ce929d0e0e4736",
      "4bf92f35*",
      "00f067aa0ba902b7",
      "ab12cd34",
      "ab12*",
      "message:traceback",
      "message:charge",
      'message:"charge failed"',
      "message:pay*",
      "-message:payment",
      "message:(bob OR charge)",
      "message:bob",
    ];
    const indexedFields = ["region"];
    for (const q of queries) {
      const found = await grep(q);
      const engine = found.map((r) => r.id).sort();
      const m = compileRecordMatcher(parseQuery(`${q} tag:agree`), { indexedFields });
      const live = all
        .filter(m.matches)
        .map((r) => r.id)
        .sort();
      expect.soft(live, q).toEqual(engine);
      for (const r of found) expect.soft(m.highlights(r), `${q}: ${r.message}`).toEqual(r.highlights);
    }

    // Random trees of the same constructs: full-text trees AND'd with field-condition trees.
    const text = fc.letrec<{ t: string }>((tie) => ({
      t: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(
          "payment",
          "failed",
          "order",
          "*voic*",
          "pay*",
          '"error disk"',
          "web-09",
          "café",
          "eu-west",
        ),
        fc
          .tuple(tie("t"), fc.constantFrom(" OR ", " ", " | "), tie("t"))
          .map(([x, op, y]) => `(${x}${op}${y})`),
        tie("t").map((x) => `-(${x})`),
      ),
    })).t;
    const field = fc.letrec<{ f: string }>((tie) => ({
      f: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(
          "status:500",
          "status:>=500",
          "status:[400 TO 500]",
          "status:*",
          "ratio:<2",
          "n:>40",
          "level:>=warn",
          "level:<warn",
          "user:bob",
          "host:*",
          "tags:web",
          "region:*",
        ),
        fc.tuple(tie("f"), fc.constantFrom(" OR ", " "), tie("f")).map(([x, op, y]) => `(${x}${op}${y})`),
        tie("f").map((x) => `-(${x})`),
      ),
    })).f;
    const regex = fc.constantFrom("/[Pp]ay/", "-/order \\d/", "/ó|ü/i", "user:/b$/");
    await fc.assert(
      fc.asyncProperty(
        fc.option(text, { nil: undefined }),
        fc.option(field, { nil: undefined }),
        fc.option(regex, { nil: undefined }),
        async (...parts) => {
          const q = parts.filter((p) => p !== undefined).join(" ");
          const engine = (await grep(q)).map((r) => r.id).sort();
          const m = compileRecordMatcher(parseQuery(`${q} tag:agree`), { indexedFields });
          const live = all
            .filter(m.matches)
            .map((r) => r.id)
            .sort();
          expect(live, q).toEqual(engine);
        },
      ),
      { numRuns: 150 },
    );
    // Free text finds what is in any string field, a long id whole or by a prefix, and no piece of it alone.
    const messages = async (q: string) => (await grep(q)).map((r) => r.message);
    expect(await messages("traceback")).toEqual(["charge failed"]);
    expect(await messages("f3c25632b924")).toEqual(["charge failed"]);
    expect(await messages("f3c256*")).toEqual(["charge failed"]);
    expect(await messages("5632")).toEqual(["order 5632 shipped to b924"]);
    expect(await messages("bob")).toHaveLength(2);
    expect(await messages("message:traceback")).toEqual([]);
    expect(await messages("message:bob")).toEqual([]);
  });

  it("declares the live exchange and removes a closed tail's queue", async () => {
    const conn = await amqp.connect(process.env.AMQP_URL!);
    try {
      const ch = await conn.createChannel();
      await ch.checkExchange(liveExchange(process.env.AMQP_EXCHANGE!));
    } finally {
      await conn.close();
    }
    expect(liveHub().subscriptions).toBe(0);
  });
});
