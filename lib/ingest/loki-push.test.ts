/** Loki push bodies as Loki clients encode them, decoded and mapped to alco records. */
import SnappyJS from "snappyjs";
import { describe, expect, it } from "vitest";
import { decodeLokiJson, decodeLokiProtobuf, lokiToRecords, parseLabels } from "./loki-push";
import { MalformedBodyError } from "./protobuf-wire";
import { encodeLokiPush } from "@/test/loki-proto";

// winston-loki's own protobuf encoder and batch helpers, as its transport uses them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logproto } = require("winston-loki/src/proto") as {
  logproto: { PushRequest: { create(v: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } } };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helpers = require("winston-loki/src/proto/helpers") as {
  createProtoTimestamps(e: unknown): unknown;
  prepareProtoBatch(b: unknown): unknown;
};

const MS = 1796418000123;

function winstonLokiBody(): Uint8Array {
  const entry = helpers.createProtoTimestamps({
    labels: { level: "warn", job: "billing", host: "web-3", region: "eu" },
    entries: [{ ts: MS, line: 'invoice failed {"order":"A1"}' }],
  });
  const batch = helpers.prepareProtoBatch({ streams: [entry] });
  const bytes = logproto.PushRequest.encode(logproto.PushRequest.create(batch)).finish();
  return SnappyJS.compress(Uint8Array.from(bytes));
}

function records(push: ReturnType<typeof decodeLokiJson>) {
  return lokiToRecords(push).records.map((r) => JSON.parse(r) as Record<string, unknown>);
}

describe("Loki push", () => {
  it("maps a snappy protobuf body as winston-loki sends it: labels to logger, host, level and fields", () => {
    expect(records(decodeLokiProtobuf(winstonLokiBody(), 1 << 20))).toEqual([
      {
        message: 'invoice failed {"order":"A1"}',
        time: `${MS}000000`,
        level: "warn",
        logger: "billing",
        host: "web-3",
        region: "eu",
        time_unix_nano: `${MS}000000`,
      },
    ]);
  });

  it("keeps structured metadata and every nanosecond from a body encoded with Loki's push.proto", () => {
    const body = encodeLokiPush([
      {
        labels: '{service_name="api", app="shop", hostname="db-1", path="C:\\\\logs\\\\a \\"b\\""}',
        entries: [
          {
            timestamp: { seconds: 1796418000, nanos: 123456789 },
            line: "connection reset",
            structuredMetadata: [{ name: "trace_id", value: "abc123" }],
          },
        ],
      },
    ]);
    expect(records(decodeLokiProtobuf(body, 1 << 20))).toEqual([
      {
        message: "connection reset",
        time: "1796418000123456789",
        logger: "api",
        host: "db-1",
        app: "shop",
        path: 'C:\\logs\\a "b"',
        trace_id: "abc123",
        time_unix_nano: "1796418000123456789",
      },
    ]);
  });

  it("reads the JSON body, and a JSON line's own message and fields, as pino-loki sends them", () => {
    const line = JSON.stringify({ level: 50, time: MS, pid: 42, msg: "disk full", disk: "/var" });
    const got = records(
      decodeLokiJson(
        JSON.stringify({
          streams: [
            {
              stream: { level: "error", hostname: "web-9", app: "api" },
              values: [
                [`${MS}000042`, line, { request_id: "r-1" }],
                [`${MS}000043`, "plain text"],
              ],
            },
          ],
        }),
      ),
    );
    expect(got).toEqual([
      {
        message: "disk full",
        time: `${MS}000042`,
        level: "error",
        logger: "api",
        host: "web-9",
        "line.level": 50,
        "line.time": MS,
        pid: 42,
        disk: "/var",
        request_id: "r-1",
        time_unix_nano: `${MS}000042`,
      },
      {
        message: "plain text",
        time: `${MS}000043`,
        level: "error",
        logger: "api",
        host: "web-9",
        time_unix_nano: `${MS}000043`,
      },
    ]);
  });

  it("refuses alone an entry too large to store, naming it", () => {
    const mapped = lokiToRecords(
      decodeLokiJson(
        JSON.stringify({
          streams: [
            {
              stream: { job: "x" },
              values: [
                [`${MS}000000`, "small"],
                [`${MS}000001`, "y".repeat(1 << 20)],
              ],
            },
          ],
        }),
      ),
    );
    expect(mapped.records.map((r) => (JSON.parse(r) as { message: string }).message)).toEqual(["small"]);
    expect(mapped).toMatchObject({ rejected: 1, errors: [`entry 1: over ${1 << 20} bytes as a record`] });
  });

  it("refuses alone an entry whose time the index does not keep", () => {
    const window = { fromMs: MS - 1000, toMs: MS + 1000 };
    const mapped = lokiToRecords(
      decodeLokiJson(
        JSON.stringify({
          streams: [
            {
              stream: { job: "x" },
              values: [
                [`${MS}000000`, "kept"],
                [`${MS + 1000}000000`, "ahead"],
              ],
            },
          ],
        }),
      ),
      window,
    );
    expect(mapped.records.map((r) => (JSON.parse(r) as { message: string }).message)).toEqual(["kept"]);
    expect(mapped.errors).toEqual([
      `entry 1: time ${new Date(MS + 1000).toISOString()} is outside the index's retention window (${new Date(MS - 1000).toISOString()} to ${new Date(MS + 1000).toISOString()})`,
    ]);
  });

  it("parses Prometheus label strings, escapes included, and refuses broken ones", () => {
    expect(parseLabels("{}")).toEqual([]);
    expect(parseLabels('{ a = "1" , b="x\\ny\\u00e9" }')).toEqual([
      ["a", "1"],
      ["b", "x\nyé"],
    ]);
    expect(() => parseLabels('{a="1"')).toThrow(MalformedBodyError);
    expect(() => parseLabels("{a=1}")).toThrow(/quoted value/);
    expect(() => parseLabels('{a="1" b="2"}')).toThrow(/expected , or }/);
    expect(() => parseLabels('{a="\\q"}')).toThrow(/unknown escape/);
  });

  it("refuses malformed bodies with what is wrong", () => {
    expect(() => decodeLokiProtobuf(new TextEncoder().encode("not snappy at all"), 1 << 20)).toThrow(
      MalformedBodyError,
    );
    const body = winstonLokiBody();
    expect(() => decodeLokiProtobuf(body.subarray(0, body.length - 5), 1 << 20)).toThrow(MalformedBodyError);
    // A body that inflates past the bound is refused before it is inflated.
    expect(() => decodeLokiProtobuf(SnappyJS.compress(new Uint8Array(4096)), 1024)).toThrow(/too big/);
    expect(() => decodeLokiJson("[]")).toThrow(/expected \{"streams"/);
    expect(() => decodeLokiJson('{"streams":[{"stream":{},"values":[["soon","x"]]}]}')).toThrow(
      "streams[0].values[0][0]: expected nanoseconds since the epoch as a string",
    );
    expect(() => decodeLokiJson('{"streams":[{"stream":{"a":1},"values":[]}]}')).toThrow(
      "streams[0].stream.a: expected a string",
    );
  });
});
