import { describe, it, expect } from "vitest";
import {
  normalizeRecord,
  type Delivery,
  type NormalizeOptions,
  type NormalizedRecord,
} from "@/lib/records/normalize-record";
import { recordId } from "@/lib/records/record-id";

const RECEIVED_AT = Date.UTC(2026, 10, 21, 12, 0, 0);
const OPTS: NormalizeOptions = { maxBytes: 64 * 1024, logcollectTimeZone: "UTC" };

function delivery(body: unknown, extra: Partial<Delivery> = {}): Delivery {
  return {
    body: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
    routingKey: "logstash.billing.api",
    receivedAt: RECEIVED_AT,
    ...extra,
  };
}

function accept(d: Delivery, opts: NormalizeOptions = OPTS): NormalizedRecord {
  const r = normalizeRecord(d, opts);
  if (!r.ok) throw new Error(`rejected: ${r.reason}`);
  return r.record;
}

function reject(d: Delivery, opts: NormalizeOptions = OPTS): string {
  const r = normalizeRecord(d, opts);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.record)}`);
  return r.reason;
}

const LOGCOLLECT = {
  "@timestamp": "2026-11-21T10:00:00.123Z",
  "@version": "1",
  message: "hello",
  host: "web-1",
  tags: ["a"],
  type: "logcollect",
  seq: 5,
  levelname: "ERROR",
  logger: "myapp.views",
  project: "p",
  application: "app",
  exc_info: "Traceback...",
  lineno: 12,
  process: 99,
  threadName: "MainThread",
};

const WINSTON = { level: "warn", message: "m", timestamp: "2026-11-21T10:00:00.000Z", user: "bob" };

const PINO = { level: 50, time: 1795000000123, msg: "boom", hostname: "h", pid: 1, name: "svc", reqId: "x" };

describe("normalizeRecord: Python logcollect", () => {
  it("lifts message, level, logger and host out of a logcollect record", () => {
    const r = accept(delivery(LOGCOLLECT));
    expect(r).toMatchObject({
      message: "hello",
      level: "error",
      lvl: 50,
      logger: "myapp.views",
      host: "web-1",
    });
  });

  it("keeps every other logcollect field, and only those, in fields", () => {
    expect(accept(delivery(LOGCOLLECT)).fields).toEqual({
      "@version": "1",
      tags: ["a"],
      type: "logcollect",
      seq: 5,
      project: "p",
      application: "app",
      exc_info: "Traceback...",
      lineno: 12,
      process: 99,
      threadName: "MainThread",
    });
  });

  it("reads @timestamp as wall-clock time in the senders' zone, ignoring its Z", () => {
    const moscow = accept(delivery(LOGCOLLECT), { ...OPTS, logcollectTimeZone: "Europe/Moscow" });
    expect(new Date(moscow.ts).toISOString()).toBe("2026-11-21T07:00:00.123Z");
    const utc = accept(delivery(LOGCOLLECT), { ...OPTS, logcollectTimeZone: "UTC" });
    expect(new Date(utc.ts).toISOString()).toBe("2026-11-21T10:00:00.123Z");
  });

  it("takes the id from the delivery", () => {
    const d = delivery(LOGCOLLECT, { messageId: "m-1" });
    expect(accept(d).id).toBe(recordId({ messageId: "m-1", routingKey: d.routingKey, body: d.body }));
  });
});

describe("normalizeRecord: winston", () => {
  it("lifts level, message and time out of a winston record and keeps the rest", () => {
    const r = accept(delivery(WINSTON));
    expect(r).toMatchObject({
      message: "m",
      level: "warn",
      lvl: 40,
      host: "",
      ts: Date.UTC(2026, 10, 21, 10, 0, 0),
    });
    expect(r.fields).toEqual({ user: "bob" });
  });

  it("takes a winston record's zone as written, whatever the logcollect zone", () => {
    expect(accept(delivery(WINSTON), { ...OPTS, logcollectTimeZone: "Europe/Moscow" }).ts).toBe(
      Date.UTC(2026, 10, 21, 10, 0, 0),
    );
  });
});

describe("normalizeRecord: pino", () => {
  it("lifts level, msg, time, hostname and name out of a pino record and keeps the rest", () => {
    const r = accept(delivery(PINO));
    expect(r).toMatchObject({
      message: "boom",
      level: "error",
      lvl: 50,
      host: "h",
      logger: "svc",
      ts: 1795000000123,
    });
    expect(r.fields).toEqual({ pid: 1, reqId: "x" });
  });
});

describe("normalizeRecord: fallbacks", () => {
  it("takes the logger from the routing key without its first segment", () => {
    expect(accept(delivery({ message: "m" })).logger).toBe("billing.api");
  });

  it("takes a routing key without dots whole as the logger", () => {
    expect(accept(delivery({ message: "m" }, { routingKey: "billing" })).logger).toBe("billing");
  });

  it("takes the AMQP timestamp (seconds) when the record has no time", () => {
    expect(accept(delivery({ message: "m" }, { amqpTimestamp: 1795000000 })).ts).toBe(1795000000000);
  });

  it("takes the time the message was received when there is neither a record time nor an AMQP timestamp", () => {
    expect(accept(delivery({ message: "m" })).ts).toBe(RECEIVED_AT);
  });

  it("keeps an unreadable time among the fields and takes the received time", () => {
    const r = accept(delivery({ message: "m", timestamp: "not a time" }));
    expect(r.ts).toBe(RECEIVED_AT);
    expect(r.fields).toEqual({ timestamp: "not a time" });
  });

  it("reads a Beats-style host object", () => {
    const r = accept(delivery({ message: "m", host: { name: "web-2" } }));
    expect(r.host).toBe("web-2");
    expect(r.fields).toEqual({});
  });

  it("gives an empty level to a record without one", () => {
    expect(accept(delivery({ message: "m" }))).toMatchObject({ level: "", lvl: 0 });
  });
});

describe("normalizeRecord: poison messages", () => {
  it("rejects a body that is not JSON", () => {
    expect(reject(delivery("hello world"))).toMatch(/^not JSON/);
  });

  it("rejects a JSON array", () => {
    expect(reject(delivery([{ message: "m" }]))).toBe("not a JSON object: got array");
  });

  it("rejects JSON null", () => {
    expect(reject(delivery("null"))).toBe("not a JSON object: got null");
  });

  it("rejects a JSON string", () => {
    expect(reject(delivery('"message"'))).toBe("not a JSON object: got string");
  });

  it("rejects a record without message text and names the keys it looked for", () => {
    const reason = reject(delivery({ level: "info", text: "m" }));
    expect(reason).toMatch(/no message/);
    expect(reason).toContain("message, msg");
  });

  it("rejects a record whose message is not a string", () => {
    expect(reject(delivery({ message: 42 }))).toMatch(/no message/);
  });

  it("rejects a body over the size limit and says both sizes", () => {
    const body = JSON.stringify({ message: "x".repeat(200) });
    expect(reject(delivery(body), { ...OPTS, maxBytes: 100 })).toBe(
      `too large: ${Buffer.byteLength(body)} bytes exceeds the limit of 100`,
    );
  });

  it("accepts a body exactly at the size limit", () => {
    const body = JSON.stringify({ message: "x" });
    expect(normalizeRecord(delivery(body), { ...OPTS, maxBytes: Buffer.byteLength(body) }).ok).toBe(true);
  });
});

describe("normalizeRecord: sanitizing", () => {
  it("strips control characters from the message but keeps newlines and tabs", () => {
    expect(accept(delivery({ message: "a\u0000b\u0001c\nd\te" })).message).toBe("abc\nd\te");
  });

  it("strips control characters from field values and keys", () => {
    const r = accept(
      delivery({ message: "m", "us\u0000er": "b\u0001ob", nested: { "k\u0001": ["x\u0000y"] } }),
    );
    expect(r.fields).toEqual({ user: "bob", nested: { k: ["xy"] } });
  });

  it("keeps the colour sequences of the message and removes every other escape sequence whole", () => {
    const sent =
      "\u001b[2K\u001b[1G\u001b[1;31mERROR\u001b[0m disk \u001b[38;5;214mfull\u001b[m\u001b(B bell\u0007";
    expect(accept(delivery({ message: sent })).message).toBe(
      "\u001b[1;31mERROR\u001b[0m disk \u001b[38;5;214mfull\u001b[m bell",
    );
  });

  it("takes the level from a coloured level field, and keeps fields as plain text", () => {
    // winston's colorize() format colours the level field itself.
    const r = accept(
      delivery({
        level: "\u001b[31merror\u001b[39m",
        message: "\u001b[31mboom\u001b[39m",
        host: "\u001b[1mweb-1\u001b[22m",
        note: "\u001b[33mwarm\u001b[0m",
      }),
    );
    expect(r).toMatchObject({ level: "error", lvl: 50, host: "web-1", message: "\u001b[31mboom\u001b[39m" });
    expect(r.fields).toEqual({ note: "warm" });
  });

  it("keeps a record with invalid UTF-8 bytes, replacing them", () => {
    const body = Buffer.concat([Buffer.from('{"message":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const r = accept(delivery(body));
    expect(r.message).toBe("a\uFFFD\uFFFDb");
  });

  it("keeps nesting up to 32 levels, the record included, as objects", () => {
    const r = accept(delivery({ message: "m", a: nest(31) }));
    expect(depthOf(r.fields.a)).toBe(31);
    expect(JSON.stringify(r.fields.a)).toBe(JSON.stringify(nest(31)));
  });

  it("turns anything nested deeper than 32 levels into a string", () => {
    const r = accept(delivery({ message: "m", a: nest(40) }));
    // The record and 31 nested objects stay objects; the 33rd level holds the rest as JSON text.
    expect(depthOf(r.fields.a)).toBe(31);
    const rest = at(r.fields.a, 31);
    expect(typeof rest).toBe("string");
    expect(JSON.parse(rest as string)).toEqual(nest(40 - 31));
  });

  it("stores a number too large for a double as null", () => {
    // JSON.parse reads 1e999 as Infinity, which JSON output cannot hold.
    expect(accept(delivery('{"message":"m","big":1e999}')).fields).toEqual({ big: null });
  });

  it("keeps numbers beyond the engine's 64-bit integers as their text, at any depth", () => {
    const r = accept(
      delivery('{"message":"m","a":1e25,"b":-2e300,"c":12345678901234567890,"d":{"e":[5e24]}}'),
    );
    expect(r.fields).toEqual({ a: "1e+25", b: "-2e+300", c: "12345678901234567000", d: { e: ["5e+24"] } });
  });

  it("keeps numbers the engine holds as numbers", () => {
    const r = accept(delivery('{"message":"m","a":9007199254740991,"b":1e18,"c":0.5,"d":-1e10}'));
    expect(r.fields).toEqual({ a: 9007199254740991, b: 1e18, c: 0.5, d: -1e10 });
  });

  it("replaces lone surrogates with U+FFFD and keeps pairs", () => {
    const r = accept(delivery('{"message":"a\\ud800b","f":"\\udc00","g":"\\ud83d\\ude00"}'));
    expect(r.message).toBe("a\uFFFDb");
    expect(r.fields).toEqual({ f: "\uFFFD", g: "😀" });
  });

  it("rejects nesting deeper than 512 levels, which JSON.stringify could not even write back", () => {
    const deep = `{"message":"m","a":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(reject(delivery(deep))).toBe("nested too deeply: more than 512 levels");
    const brackets = `{"message":"[[[[ ${"{".repeat(600)}","a":${"[".repeat(500)}${"]".repeat(500)}}`;
    // Brackets inside strings do not count, and 500 levels are still a record.
    expect(Array.isArray(accept(delivery(brackets)).fields.a)).toBe(true);
  });

  it("ignores an AMQP timestamp beyond what a date can hold", () => {
    expect(accept(delivery({ message: "m" }, { amqpTimestamp: 2 ** 52 })).ts).toBe(RECEIVED_AT);
  });
});

function nest(levels: number): unknown {
  let v: unknown = "leaf";
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

function at(v: unknown, levels: number): unknown {
  for (let i = 0; i < levels; i++) v = (v as { a: unknown }).a;
  return v;
}

function depthOf(v: unknown): number {
  let d = 0;
  while (v && typeof v === "object") {
    v = (v as { a: unknown }).a;
    d++;
  }
  return d;
}

describe("normalizeRecord: seq, the order within a millisecond", () => {
  it("takes the producer's x-alco-seq header first", () => {
    expect(accept(delivery(WINSTON, { seqHeader: "77", arrivedMicros: 3 })).seq).toBe("77");
    expect(accept(delivery(LOGCOLLECT, { seqHeader: "78" })).seq).toBe("78");
  });

  it("orders logcollect records by @timestamp's microseconds, then by their seq", () => {
    const at = (stamp: string, seq: number) => accept(delivery({ ...LOGCOLLECT, "@timestamp": stamp, seq }));
    const a = at("2026-11-21T10:00:00.123001Z", 9);
    const b = at("2026-11-21T10:00:00.123002Z", 0);
    const c = at("2026-11-21T10:00:00.123002Z", 1);
    expect([a.ts, b.ts, c.ts]).toEqual([MS_123, MS_123, MS_123]);
    expect(BigInt(a.seq) < BigInt(b.seq) && BigInt(b.seq) < BigInt(c.seq)).toBe(true);
  });

  it("orders other producers by the nanoseconds of their time, then by arrival", () => {
    const at = (time: unknown, arrivedMs: number) =>
      accept(delivery({ msg: "m", time }, { arrivedMicros: arrivedMs * 1000 }));
    const a = at("2026-11-21T10:00:00.123000500Z", RECEIVED_AT + 9);
    const b = at("2026-11-21T10:00:00.123000501Z", RECEIVED_AT + 1);
    const c = at(1_795_000_000_123, 1_795_000_000_200);
    const d = at(1_795_000_000_123, 1_795_000_000_201);
    expect(a.ts).toBe(MS_123);
    expect(BigInt(a.seq) < BigInt(b.seq)).toBe(true);
    expect(BigInt(c.seq) < BigInt(d.seq)).toBe(true);
  });

  it("is the same for the same message delivered again, when the order comes from the message", () => {
    const once = accept(delivery(LOGCOLLECT, { arrivedMicros: RECEIVED_AT * 1000 }));
    const again = accept(delivery(LOGCOLLECT, { arrivedMicros: RECEIVED_AT * 1000 + 900_000 }));
    expect(again.seq).toBe(once.seq);
  });
});

const MS_123 = Date.UTC(2026, 10, 21, 10, 0, 0, 123);
