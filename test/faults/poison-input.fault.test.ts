/**
 * Poison input through the real broker to a running collector process, interleaved with good records: every bad
 * message is either dead-lettered with a reason or normalised by a stated rule, counted in the collector's
 * /metrics, listed by the admin dead-letter API, and the good records around it are all indexed within a bound.
 *
 * The rules (lib/records/normalize-record.ts, lib/records/parse-time.ts, lib/collector/index-consumer.ts):
 *
 * | input                                          | outcome     | rule                                                        |
 * | ---------------------------------------------- | ----------- | ----------------------------------------------------------- |
 * | not JSON, empty body, binary                   | dead letter | `not JSON: <parser message>`                                |
 * | invalid UTF-8 outside a JSON string            | dead letter | bad bytes become U+FFFD, which is then not JSON             |
 * | invalid UTF-8 inside a string or a key         | stored      | each bad sequence becomes U+FFFD, the rest is kept          |
 * | lone surrogate escape (`"\ud800"`)             | stored      | becomes U+FFFD; escaped pairs (emoji) are kept              |
 * | JSON array / string / null                     | dead letter | `not a JSON object: got <type>`                             |
 * | message an object or a number                  | dead letter | `no message text (expected a string in one of: …)`          |
 * | body over MAX_MESSAGE_BYTES (10 MB vs 2 MiB)   | dead letter | `too large: <n> bytes exceeds the limit of <max>`, unparsed |
 * | nested deeper than 512 levels (10,000 here)    | dead letter | `nested too deeply: more than 512 levels`                   |
 * | nested 33 to 512 levels                        | stored      | what lies below level 32 is stored as its JSON text         |
 * | 10,000 fields                                  | stored      | every field kept; an index registers its first 500 as columns |
 * | control characters in values and keys          | stored      | removed                                                     |
 * | escape sequences (colours, cursor, titles)     | stored      | SGR colours kept in the message, the rest removed whole     |
 * | a field named `__proto__`                      | stored      | kept as an ordinary field                                   |
 * | a number at or beyond ±2^63, at any depth      | stored      | kept as its text ("1e+25"), before the rules below read it  |
 * | level a number                                 | stored      | pino scale: 10 trace … 60 fatal, in between to the one below |
 * | level an array or object                       | stored      | no level (empty), the value kept as a field                 |
 * | host an object with a string `name`            | stored      | host = that name (Elastic style)                            |
 * | host any other object, or a number             | stored      | no host (empty), the value kept as a field                  |
 * | logger not a string                            | stored      | logger from the routing key, the value kept as a field      |
 * | time garbage text, an object, a negative       | stored      | unreadable: arrival time, the value kept as a field         |
 * |   number, or one beyond any date (8.64e15 ms)  |             |                                                             |
 * | AMQP timestamp property beyond any date        | stored      | ignored: arrival time                                       |
 * | time before the index's retention window       | dead letter | `older than the retention window of <n> days: <time>`       |
 * | time from the day after tomorrow (UTC) on      | dead letter | `timestamp too far in the future: <time>`                   |
 * | anything else the normaliser throws on         | dead letter | `could not be normalised: <error>`                          |
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as deadGET } from "@/app/api/admin/indexes/[name]/dead-letters/route";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import type { LoggerIndex } from "@/db/schema";
import type { DeadLetter } from "@/lib/admin/dead-letters";
import { MAX_COLUMNS_PER_INDEX } from "@/lib/collector/column-cache";
import { listColumns } from "@/lib/indexes/logger-indexes";
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import {
  callRoute,
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
} from "../helpers";
import { startCollector, waitUntilServing, type CollectorProcess } from "./collector-process";

const MB = 1024 * 1024;
const DAY = 86_400_000;
/** All good records must be searchable this long after the last message was confirmed by the broker. */
const INDEX_BOUND_MS = 30_000;
/**
 * How much the collector's peak memory may grow over its idle peak with a 10 MB message among the rest: it is
 * refused by its size, unparsed, so it costs a few copies of its bytes (AMQP frames, the dead-letter publish), not
 * a parse tree of it.
 */
const PEAK_GROWTH_BOUND = 150 * MB;

type Stored = { expect: (r: LogRecord, window: { from: number; to: number }) => void };
type Case = {
  name: string;
  body: Buffer | string | object;
  options?: Outgoing["options"];
} & ({ dead: RegExp } | Stored);

function nested(depth: number, leaf: unknown = "bottom"): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { d: v };
  return v;
}

/** Nested JSON text built directly: JSON.stringify itself overflows the stack a few thousand levels down. */
function deepText(depth: number): string {
  return `{"message":"poison deep ${depth}","deep":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

/** Each stored case carries a word of its own in its message so the test can find it. */
const mark = (i: number) => `poisoncase${i}end`;

function cases(now: number, indexName: string): Case[] {
  const list: Case[] = [];
  const add = (c: Case) => list.push(c);

  add({ name: "not JSON", body: "this is {not json", dead: /^not JSON: / });
  add({ name: "empty body", body: Buffer.alloc(0), dead: /^not JSON: / });
  add({
    name: "binary",
    body: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4096)]),
    dead: /^not JSON: /,
  });
  add({
    name: "invalid UTF-8 outside a string",
    body: bytes([0xff, 0xfe], '{"message":"after a bad byte order mark"}'),
    dead: /^not JSON: /,
  });
  add({ name: "JSON array", body: '[{"message":"in an array"}]', dead: /^not a JSON object: got array/ });
  add({ name: "JSON string", body: '"just text"', dead: /^not a JSON object: got string/ });
  add({ name: "JSON null", body: "null", dead: /^not a JSON object: got null/ });
  add({ name: "message an object", body: { message: { text: "hi" } }, dead: /^no message text/ });
  add({ name: "message a number", body: { message: 42 }, dead: /^no message text/ });
  add({
    name: "10 MB message",
    body: { message: `huge ${"x".repeat(10 * MB)}` },
    dead: /^too large: 104857\d\d bytes exceeds the limit of 2097152$/,
  });
  add({
    name: "nested 10000 deep",
    body: deepText(10_000),
    dead: /^nested too deeply: more than 512 levels$/,
  });
  add({
    name: "time far in the future (ISO)",
    body: { message: "from the future", timestamp: "2999-01-01T00:00:00Z" },
    dead: /^timestamp too far in the future: 2999-01-01T00:00:00\.000Z$/,
  });
  add({
    name: "time far in the future (epoch number)",
    body: { message: "from the future", time: 1e20 },
    dead: /^timestamp too far in the future: 5138-11-16T09:46:40\.000Z$/,
  });
  add({
    name: "time far in the past (ISO)",
    body: { message: "from the past", timestamp: "1970-01-02T00:00:00Z" },
    dead: /^older than the retention window of 7 days: 1970-01-02T00:00:00\.000Z$/,
  });
  add({
    name: "time far in the past (year 1)",
    body: { message: "from the past", "@timestamp": "0001-01-01T00:00:00Z" },
    dead: /^older than the retention window of 7 days: 0001-01-01T/,
  });
  add({
    name: "time just outside the window (8 days ago)",
    body: { message: "a little too old", timestamp: new Date(now - 8 * DAY).toISOString() },
    dead: /^older than the retention window of 7 days/,
  });

  const stored = (name: string, body: (m: string) => object | Buffer, check: Stored["expect"]) => {
    const i = list.length;
    add({ name, body: body(mark(i)), expect: check });
  };
  stored(
    "invalid UTF-8 inside a string",
    (m) =>
      bytes(
        `{"message":"${m} broken `,
        [0xff, 0xfe, 0xc3],
        ` bytes","k`,
        [0x80],
        `":"v`,
        [0xed, 0xa0, 0x80],
        `"}`,
      ),
    (r) => {
      expect(r.message).toMatch(/broken \uFFFD+ bytes$/);
      expect(r.fields).toEqual({ "k\uFFFD": expect.stringMatching(/^v\uFFFD+$/) as unknown });
    },
  );
  stored(
    "lone surrogate escapes",
    (m) => Buffer.from(`{"message":"${m} lone \\ud800 surrogate","f":"\\udc00"}`),
    (r) => {
      expect(r.message).toMatch(/lone \uFFFD surrogate$/);
      expect(r.fields.f).toBe("\uFFFD");
    },
  );
  stored(
    "nested 40 deep",
    (m) => ({ message: `${m} nested`, nest: nested(40) }),
    (r) => {
      let v: unknown = r.fields.nest;
      let depth = 1;
      while (v !== null && typeof v === "object") {
        v = Array.isArray(v) ? v[0] : (v as { d: unknown }).d;
        depth++;
      }
      // The first 32 levels stay structure (the record itself is level 0); below that is JSON text.
      expect(depth).toBe(32);
      expect(typeof v).toBe("string");
      expect(JSON.parse(v as string)).toEqual(nested(40 - 31));
    },
  );
  stored(
    "10,000 fields",
    (m) => {
      const o: Record<string, unknown> = { message: `${m} many fields` };
      for (let i = 0; i < 10_000; i++) o[`f${i}`] = i;
      return o;
    },
    (r) => {
      expect(Object.keys(r.fields)).toHaveLength(10_000);
      expect(r.fields.f9999).toBe(9999);
    },
  );
  stored(
    "control characters",
    (m) => ({ message: `${m} bell\u0007 nul\u0000 esc\u001b end`, "k\u0001ey": "v\u0000al" }),
    (r) => {
      expect(r.message).toMatch(/ bell nul esc end$/);
      expect(r.fields).toEqual({ key: "val" });
    },
  );
  stored(
    "escape sequences",
    (m) => ({
      message: `${m} \u001b[1;31mred\u001b[0m \u001b[2K\u001b]0;title\u0007\u001b[?25lgone \u001b[${"1;".repeat(5000)}m`,
      "\u001b[33mkey\u001b[0m": "\u001b[4mvalue\u001b[24m",
    }),
    (r) => {
      expect(r.message).toMatch(/ \u001b\[1;31mred\u001b\[0m gone \u001b\[(1;){5000}m$/);
      expect(r.fields).toEqual({ key: "value" });
    },
  );
  stored(
    "field named __proto__",
    (m) => Buffer.from(`{"message":"${m} proto","__proto__":{"polluted":true}}`),
    (r) => {
      expect(Object.getOwnPropertyDescriptor(r.fields, "__proto__")?.value).toEqual({ polluted: true });
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    },
  );
  stored(
    "level a pino number",
    (m) => ({ message: `${m} pino`, level: 50 }),
    (r) => expect([r.level, r.fields.level]).toEqual(["error", undefined]),
  );
  stored(
    "level an odd number",
    (m) => ({ message: `${m} odd level`, level: 75 }),
    (r) => expect(r.level).toBe("fatal"),
  );
  stored(
    "level an array",
    (m) => ({ message: `${m} level array`, level: [1, 2] }),
    (r) => expect([r.level, r.fields.level]).toEqual(["", [1, 2]]),
  );
  stored(
    "level an object",
    (m) => ({ message: `${m} level object`, level: { name: "error" } }),
    (r) => expect([r.level, r.fields.level]).toEqual(["", { name: "error" }]),
  );
  stored(
    "host an Elastic-style object",
    (m) => ({ message: `${m} host name`, host: { name: "web-9", ip: "10.0.0.9" } }),
    (r) => expect([r.host, r.fields.host]).toEqual(["web-9", undefined]),
  );
  stored(
    "host another object",
    (m) => ({ message: `${m} host object`, host: { ip: "10.0.0.9" } }),
    (r) => expect([r.host, r.fields.host]).toEqual(["", { ip: "10.0.0.9" }]),
  );
  stored(
    "host a number",
    (m) => ({ message: `${m} host number`, host: 42 }),
    (r) => expect([r.host, r.fields.host]).toEqual(["", 42]),
  );
  stored(
    "logger a number",
    (m) => ({ message: `${m} logger number`, logger: 7 }),
    (r) => expect([r.logger, r.fields.logger]).toEqual([indexName, 7]),
  );
  const arrival = (field: string, value: unknown) => (r: LogRecord, w: { from: number; to: number }) => {
    expect(r.ts).toBeGreaterThanOrEqual(w.from);
    expect(r.ts).toBeLessThanOrEqual(w.to);
    expect(r.fields[field]).toEqual(value);
  };
  stored(
    "time garbage text",
    (m) => ({ message: `${m} garbage time`, timestamp: "yesterday at noonish" }),
    arrival("timestamp", "yesterday at noonish"),
  );
  stored(
    "time an object",
    (m) => ({ message: `${m} object time`, time: { $date: 1 } }),
    arrival("time", { $date: 1 }),
  );
  stored(
    "numbers beyond 2^63 (and a time among them)",
    (m) =>
      Buffer.from(
        `{"message":"${m} huge numbers","time":1e25,"neg":-2e300,"int":12345678901234567890,` +
          `"nested":{"x":[5e24]},"max":9007199254740991,"half":0.5}`,
      ),
    (r, w) => {
      arrival("time", "1e+25")(r, w);
      expect(r.fields).toEqual({
        time: "1e+25",
        neg: "-2e+300",
        int: "12345678901234567000",
        nested: { x: ["5e+24"] },
        max: 9007199254740991,
        half: 0.5,
      });
    },
  );
  stored(
    "time digits beyond any date",
    (m) => ({ message: `${m} huge epoch text`, timestamp: "99999999999999999999999" }),
    arrival("timestamp", "99999999999999999999999"),
  );
  stored("time negative", (m) => ({ message: `${m} negative epoch`, ts: -5 }), arrival("ts", -5));
  const beyond = list.length;
  list.push({
    name: "AMQP timestamp property beyond any date",
    body: { message: `${mark(beyond)} amqp time` },
    options: { timestamp: 2 ** 52 },
    expect: arrival("none", undefined),
  });
  return list;
}

async function grep(index: string, q: string): Promise<GrepResult> {
  const res = await callRoute<GrepResult>(grepGET, `/api/grep/${index}?q=${q}`, {
    params: { logger: index },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe("poison input", () => {
  let index: LoggerIndex;
  let collector: CollectorProcess;

  beforeAll(async () => {
    index = await createTestIndex();
    collector = await startCollector();
    await waitUntilServing(collector);
  });
  afterAll(async () => {
    await collector?.terminate();
    if (index) await dropTestIndex(index);
  });

  it("dead-letters or normalises every bad message, counts and lists it, and indexes every good one around it", async () => {
    const admin = await createTestUser("admin");
    const now = Date.now();
    const all = cases(now, index.name);
    const dead = all.filter((c): c is Case & { dead: RegExp } => "dead" in c);
    const stored = all.filter((c): c is Case & Stored => "expect" in c);
    const GOOD_PER_CASE = 8;
    const messages: Outgoing[] = [];
    let good = 0;
    const goodOne = () => {
      const i = good++;
      messages.push({
        routingKey: `shop.${index.name}`,
        body: {
          message: `good record ${i} goodword`,
          n: i,
          timestamp: new Date(now - 1000 + i).toISOString(),
        },
        options: { messageId: `good-${i}` },
      });
    };
    all.forEach((c, i) => {
      for (let k = 0; k < GOOD_PER_CASE; k++) goodOne();
      messages.push({
        routingKey: `shop.${index.name}`,
        body: c.body,
        options: { ...c.options, messageId: `case-${i}` },
      });
    });
    for (let k = 0; k < GOOD_PER_CASE; k++) goodOne();

    const idle = await collector.peakRss();
    const sentFrom = Date.now();
    await publish(messages);
    const sent = Date.now();

    // Every good record and every stored poison case is searchable within the bound.
    await waitFor(
      "good records indexed",
      async () => (await engineCount(index.name)) === good + stored.length,
      INDEX_BOUND_MS,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\ncollector said:\n${collector.output()}`);
    });
    const indexedAfterMs = Date.now() - sent;
    expect((await grep(index.name, "goodword")).total).toBe(good);
    const window = { from: sentFrom, to: Date.now() };

    for (const c of stored) {
      const i = all.indexOf(c);
      const found = (await grep(index.name, mark(i))).records;
      expect(found, c.name).toHaveLength(1);
      c.expect(found[0]!, window);
    }

    // Dead-lettered with a reason, each exactly once, and shown by the admin API.
    const shown = await waitFor("dead letters listed", async () => {
      const res = await callRoute<{ count: number; messages: DeadLetter[] }>(
        deadGET,
        `/api/admin/indexes/${index.name}/dead-letters?limit=200`,
        { params: { name: index.name }, as: { cookie: admin.cookie } },
      );
      return res.status === 200 && res.body.count === dead.length && res.body;
    });
    const byId = new Map(shown.messages.map((m) => [m.messageId, m]));
    expect(byId.size).toBe(dead.length);
    for (const c of dead) {
      const letter = byId.get(`case-${all.indexOf(c)}`);
      expect(letter?.reason, c.name).toMatch(c.dead);
      expect(letter?.routingKey).toBe(`shop.${index.name}`);
    }
    const huge = [...byId.values()].find((m) => m.reason?.startsWith("too large"))!;
    expect(huge).toMatchObject({ truncated: true });
    expect(huge.bytes).toBeGreaterThan(10 * MB);
    expect(huge.body.length).toBeLessThanOrEqual(2048);

    // Counted: one received per message, one indexed per stored record, one dead letter per rejected message.
    const labels = { index: index.name };
    expect(await collector.counter("alco_collector_received_total", labels)).toBe(messages.length);
    expect(await collector.counter("alco_collector_indexed_total", labels)).toBe(good + stored.length);
    expect(await collector.counter("alco_collector_dead_lettered_total", labels)).toBe(dead.length);
    expect(
      await collector.counter("alco_collector_dead_lettered_total", { ...labels, reason: "not JSON" }),
    ).toBe(dead.filter((c) => String(c.dead).startsWith("/^not JSON")).length);

    // The 10,000-field record did not register 10,000 columns.
    // Registration runs with the collector's index refresh; on a loaded CI machine that took over 30 s once.
    await waitFor(
      "columns registered",
      async () => (await listColumns(db(), index.name)).length === MAX_COLUMNS_PER_INDEX,
      90_000,
    );

    // Still consuming: nothing stalled behind the poison.
    await publish([{ routingKey: `shop.${index.name}`, body: { message: "after the poison goodword" } }]);
    await waitFor(
      "a record after the poison",
      async () => (await grep(index.name, "goodword")).total === good + 1,
    );
    expect(collector.child.exitCode).toBeNull();
    const peak = await collector.peakRss();
    expect(peak - idle).toBeLessThan(PEAK_GROWTH_BOUND);

    console.log(
      `[poison] ${messages.length} messages (${good} good, ${stored.length} normalised, ${dead.length} dead-lettered); ` +
        `all indexed ${indexedAfterMs} ms after publishing; collector peak RSS ${Math.round(idle / MB)} MB idle, ` +
        `${Math.round(peak / MB)} MB after`,
    );
  });
});
