import { describe, expect, it } from "vitest";
import { parseQuery } from "@/lib/query/parse-query";
import { mergeFilters } from "@/lib/query/search-records";
import type { LogRecord } from "@/lib/query/wire";
import { normalizeRecord } from "@/lib/records/normalize-record";
import { toLogRecord } from "@/lib/live/live-message";
import { compileRecordMatcher, tokenize } from "./record-matcher";
import type { Outgoing } from "@/test/helpers";
import { threeFormatRecord } from "@/test/three-formats";

/** A record as the collector would store it: the same corpus test/pipeline.int.test.ts indexes in the engine. */
function toRecord(b: Outgoing): LogRecord {
  const r = normalizeRecord(
    {
      body: Buffer.from(
        typeof b.body === "string" || Buffer.isBuffer(b.body) ? b.body : JSON.stringify(b.body),
      ),
      routingKey: b.routingKey,
      messageId: b.options?.messageId,
      receivedAt: Date.now(),
    },
    { maxBytes: 1 << 20, logcollectTimeZone: "UTC" },
  );
  if (!r.ok) throw new Error(r.reason);
  return toLogRecord(r.record);
}

const base = Date.now() - 3_600_000;
const corpus = Array.from({ length: 10_000 }, (_, i) => toRecord(threeFormatRecord(i, base, "idx")));

function grep(q: string, filter: string[] = [], records = corpus, indexedFields?: string[]): LogRecord[] {
  const parsed = parseQuery(q);
  const params = filter.map((f) => {
    const negate = f.startsWith("-");
    const s = negate ? f.slice(1) : f;
    const i = s.indexOf(":");
    return { field: s.slice(0, i), value: s.slice(i + 1), negate };
  });
  const m = compileRecordMatcher(
    { terms: parsed.terms, filters: mergeFilters(parsed.filters, params) },
    { indexedFields },
  );
  return records.filter(m.matches);
}

describe("record matcher: the engine's answers on the pipeline corpus", () => {
  it("finds words, ANDed, case-insensitively", () => {
    expect(grep("payment bob")).toHaveLength(3333);
    expect(grep("PAYMENT Bob")).toHaveLength(3333);
    expect(grep("pay")).toHaveLength(0);
  });
  it("finds phrases and excludes terms", () => {
    expect(grep('"cache miss" -payment')).toHaveLength(3333);
    expect(grep('"miss cache"')).toHaveLength(0);
    expect(grep("-cache -payment")).toHaveLength(3334);
  });
  it("finds blended words by their parts in order", () => {
    expect(grep("web-03")).toHaveLength(667);
    expect(grep("status=200")).toHaveLength(3334);
    expect(grep("web-03.prod.local")).toHaveLength(667);
    expect(grep("prod")).toHaveLength(3334);
  });
  it("finds infix and prefix wildcards", () => {
    expect(grep("*rder*")).toHaveLength(3334);
    expect(grep("retr*")).toHaveLength(3333);
    expect(grep("*etry")).toHaveLength(3333);
  });
  it("filters attributes exactly and JSON fields as strings or numbers", () => {
    expect(grep("host:web-01 host:web-02")).toHaveLength(1333);
    expect(grep("level:error")).toHaveLength(67);
    expect(grep("reqId:req-2").map((r) => r.fields.n)).toEqual([2]);
    expect(grep("n:42").map((r) => r.message)).toEqual([
      "GET /api/orders/42 status=200 from web-02.prod.local",
    ]);
    expect(grep("", ["service:billing", "-user:alice"])).toHaveLength(3333);
    expect(grep("-host:web-01", ["logger:myapp.views"])).toHaveLength(3334 - 667);
  });
  it("matches JSON fields as the engine does: digits as string or integer, array elements, case kept", () => {
    const recs = [
      toRecord({ routingKey: "x.i", body: { message: "a", status: 500, user: "Bob" } }),
      toRecord({ routingKey: "x.i", body: { message: "b", status: "500", tags: ["web", 7] } }),
      toRecord({ routingKey: "x.i", body: { message: "c", status: "5000", user: "bob" } }),
      toRecord({ routingKey: "x.i", body: { message: "d", status: 1.5, ratio: "1.5" } }),
    ];
    const found = (q: string) => grep(q, [], recs).map((r) => r.message);
    expect(found("status:500")).toEqual(["a", "b"]);
    expect(found("-status:500")).toEqual(["c", "d"]);
    // The engine's IN() never equals a fraction; the text "1.5" is a string like any other.
    expect(found("status:1.5")).toEqual([]);
    expect(found("ratio:1.5")).toEqual(["d"]);
    expect(found("tags:web")).toEqual(["b"]);
    expect(found("tags:7")).toEqual(["b"]);
    expect(found("user:bob")).toEqual(["c"]);
  });

  it("compares level, logger and host ASCII case-insensitively, as the engine's collation does", () => {
    expect(grep("level:ERROR")).toHaveLength(67);
    expect(grep("host:WEB-01")).toHaveLength(667);
  });
});

describe("record matcher: text", () => {
  const text = "café crème for 日本語 user 😀 🇫🇷 <script>alert(1)</script>";
  const rec = toRecord({ routingKey: "x.i", body: { message: text } });

  it("folds Latin-1 case and makes each CJK character a word", () => {
    expect(grep("café 日本", [], [rec])).toHaveLength(1);
    expect(grep("CAFÉ", [], [rec])).toHaveLength(1);
    expect(grep("日本語", [], [rec])).toHaveLength(1);
    expect(grep("cafe", [], [rec])).toHaveLength(0);
    expect(tokenize("łódź x").map((t) => t.text)).toEqual(["ód", "x"]);
  });

  it("marks matches by offsets into the message, adjacent words as one span", () => {
    const m = compileRecordMatcher(parseQuery("café 日本"));
    expect(m.highlights(rec).map(([s, e]) => text.slice(s, e))).toEqual(["café", "日本"]);
    const line = toRecord({ routingKey: "x.i", body: { message: "payment failed for order 650" } });
    const two = compileRecordMatcher(parseQuery("payment failed"));
    expect(two.highlights(line).map(([s, e]) => line.message.slice(s, e))).toEqual(["payment failed"]);
    const bob = corpus[1]!;
    expect(
      compileRecordMatcher(parseQuery("payment bob"))
        .highlights(bob)
        .map(([s, e]) => bob.message.slice(s, e)),
    ).toEqual(["payment", "bob"]);
  });

  it("reads a colour sequence as a separator, as the engine stores it", () => {
    const coloured = toRecord({
      routingKey: "x.i",
      body: { message: "\u001b[1;31mERROR\u001b[0m \u001b[33mdisk\u001b[0mfull" },
    });
    expect(tokenize(coloured.message).map((t) => t.text)).toEqual(["error", "disk", "full"]);
    expect(grep("error", [], [coloured])).toHaveLength(1);
    expect(grep("31merror", [], [coloured])).toHaveLength(0);
    const m = compileRecordMatcher(parseQuery('"error disk" full'));
    expect(m.highlights(coloured).map(([s, e]) => coloured.message.slice(s, e))).toEqual([
      "ERROR\u001b[0m \u001b[33mdisk\u001b[0mfull",
    ]);
  });

  it("searches the key=value text of indexed columns, and ignores terms of punctuation only", () => {
    const r = toRecord({ routingKey: "x.i", body: { message: "nothing here", region: "eu-west" } });
    expect(grep('"region=eu"', [], [r])).toHaveLength(0);
    expect(grep("eu-west", [], [r], ["region"])).toHaveLength(1);
    expect(grep('"region=eu"', [], [r], ["region"])).toHaveLength(1);
    expect(grep("nothing ---", [], [r])).toHaveLength(1);
  });

  it("finds free text in every string field, and a long id in a field by its whole or a prefix only", () => {
    const r = toRecord({
      routingKey: "x.i",
      body: {
        message: "charge failed",
        request_id: "req-f3c25632b924",
        exc_info: "Traceback (most recent call last):\nTimeoutError: 10s",
        trace: { ids: ["4bf92f3577b34da6a3ce929d0e0e4736"] },
        status: 502,
      },
    });
    for (const q of [
      "traceback",
      '"most recent call"',
      "req-f3c25632b924",
      "f3c25632b924",
      "f3c256*",
      "f3c2*",
      "4bf92f35*",
    ])
      expect(grep(q, [], [r]), q).toHaveLength(1);
    // message: looks in the message only.
    expect(grep("message:charge", [], [r])).toHaveLength(1);
    expect(grep("message:traceback", [], [r])).toHaveLength(0);
    expect(grep("-message:traceback", [], [r])).toHaveLength(1);
    // A piece of an id is no word of the line; a number field is found by field:value, not as text.
    for (const q of ["5632", "b924", "f3c25632", "502", "-traceback", "exc_info"])
      expect(grep(q, [], [r]), q).toHaveLength(0);
  });
});

describe("record matcher: boolean structure, comparisons and presence", () => {
  const records = [
    { message: "timeout calling billing", level: "error", status: 500, took_ms: 1800 },
    { message: "ok", level: "info", status: "500", took_ms: 20 },
    { message: "slow answer", level: "warn", status: 404, ratio: 1.5, ids: [7] },
    { message: "audit entry", level: "audit", flag: true, one: { a: 1 } },
  ].map((body, i) =>
    toRecord({ routingKey: "app.idx", body: { ...body, timestamp: new Date(base + i).toISOString() } }),
  );
  const found = (q: string) =>
    records.filter(compileRecordMatcher(parseQuery(q)).matches).map((r) => records.indexOf(r));

  it("evaluates OR, NOT and groups as written", () => {
    expect(found("timeout OR slow")).toEqual([0, 2]);
    expect(found("timeout | answer | entry")).toEqual([0, 2, 3]);
    expect(found("NOT (timeout OR ok)")).toEqual([2, 3]);
    expect(found("(-timeout OR billing) -audit")).toEqual([0, 1, 2]);
    expect(found("(level:error OR level:warn)")).toEqual([0, 2]);
    expect(found("status:(404 OR 500)")).toEqual([0, 1, 2]);
  });

  it("compares numbers only, levels by severity, and unknown levels never", () => {
    expect(found("status:>=500")).toEqual([0]);
    expect(found("status:<1000")).toEqual([0, 2]);
    expect(found("took_ms:>1.5s")).toEqual([0]);
    expect(found("ratio:[1 TO 2]")).toEqual([2]);
    expect(found("flag:>0 OR ids:<10")).toEqual([]);
    expect(found("one:<1")).toEqual([3]);
    expect(found("level:>=warn")).toEqual([0, 2]);
    expect(found("level:<warn")).toEqual([1]);
    expect(found("-level:<warn")).toEqual([0, 2, 3]);
  });

  it("reads field:* as present and not null", () => {
    expect(found("ratio:*")).toEqual([2]);
    expect(found("-status:*")).toEqual([3]);
    expect(found("level:*")).toEqual([0, 1, 2, 3]);
  });

  it("marks the positive terms of every branch", () => {
    const m = compileRecordMatcher(parseQuery("(timeout OR -billing) | calling"));
    expect(m.highlights(records[0]!)).toEqual([[0, 15]]);
  });
});
