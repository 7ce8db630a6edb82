/** OTLP logs bodies as the OpenTelemetry SDK's own serializers write them, decoded and mapped to alco records. */
import { context, SeverityNumber, trace, TraceFlags } from "@opentelemetry/api";
import { JsonLogsSerializer, ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import {
  decodeOtlpLogsJson,
  decodeOtlpLogsProtobuf,
  exportLogsResponse,
  otlpLogsToRecords,
  otlpStatusBody,
} from "./otlp-logs";
import { MalformedBodyError, ProtoReader } from "./protobuf-wire";
import { MAX_SHIPPED_RECORD_BYTES } from "./shipper-record";

const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const SPAN_ID = "eee19b7ec3c1b174";

/** Log records as the SDK makes them: a resource, a scope, and what the app emitted. */
async function emitted(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      "service.name": "checkout",
      "host.name": "web-7",
      "deployment.environment": "prod",
    }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("checkout.http", "1.2.0");
  const withSpan = trace.setSpanContext(context.active(), {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  logger.emit({
    body: "payment declined",
    severityNumber: SeverityNumber.WARN,
    severityText: "WARNING",
    // 2026-12-04T21:00:00.123456789Z, to the nanosecond.
    timestamp: [1796418000, 123456789],
    attributes: {
      "http.status_code": 402,
      retry: false,
      ratio: 0.25,
      tags: ["a", "b"],
      time: "not the time",
    },
    context: withSpan,
  });
  logger.emit({
    body: { event: "cart", items: 3, nested: { ok: true } },
    severityText: "notice",
    timestamp: [1796418001, 5],
  });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

function records(req: ReturnType<typeof decodeOtlpLogsJson>) {
  return otlpLogsToRecords(req).records.map((r) => JSON.parse(r) as Record<string, unknown>);
}

const expected = [
  {
    message: "payment declined",
    time: "1796418000123456789",
    level: "warn",
    logger: "checkout",
    host: "web-7",
    "deployment.environment": "prod",
    "scope.name": "checkout.http",
    "scope.version": "1.2.0",
    "http.status_code": 402,
    retry: false,
    ratio: 0.25,
    tags: ["a", "b"],
    "attributes.time": "not the time",
    time_unix_nano: "1796418000123456789",
    severity_text: "WARNING",
    trace_id: TRACE_ID,
    span_id: SPAN_ID,
    trace_flags: 1,
  },
  {
    message: '{"event":"cart","items":3,"nested":{"ok":true}}',
    time: "1796418001000000005",
    level: "notice",
    logger: "checkout",
    host: "web-7",
    "deployment.environment": "prod",
    "scope.name": "checkout.http",
    "scope.version": "1.2.0",
    time_unix_nano: "1796418001000000005",
  },
];

describe("OTLP logs", () => {
  it("maps a protobuf body the SDK's serializer wrote: message, level, logger, host, nanosecond time, fields", async () => {
    const body = ProtobufLogsSerializer.serializeRequest(await emitted())!;
    const got = records(decodeOtlpLogsProtobuf(body));
    expect(got).toEqual(expected);
  });

  it("maps the same records from OTLP/JSON", async () => {
    const body = JsonLogsSerializer.serializeRequest(await emitted())!;
    const got = records(decodeOtlpLogsJson(new TextDecoder().decode(body)));
    expect(got).toEqual(expected);
  });

  it("takes the observed time when the record has none, and keeps a record with neither without a time", () => {
    const got = records(
      decodeOtlpLogsJson(
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  scope: { name: "lib" },
                  logRecords: [
                    {
                      observedTimeUnixNano: "1796418000000000001",
                      body: { stringValue: "seen" },
                      severityNumber: 17,
                    },
                    { body: { intValue: "9007199254740993" } },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    expect(got[0]).toMatchObject({
      message: "seen",
      time: "1796418000000000001",
      level: "error",
      logger: "lib",
    });
    expect(got[1]).toEqual({ message: "9007199254740993", logger: "lib", "scope.name": "lib" });
  });

  it("rejects alone a record too large to store, counting it for partial_success", () => {
    const big = "x".repeat(MAX_SHIPPED_RECORD_BYTES);
    const mapped = otlpLogsToRecords(
      decodeOtlpLogsJson(
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                { logRecords: [{ body: { stringValue: "small" } }, { body: { stringValue: big } }] },
              ],
            },
          ],
        }),
      ),
    );
    expect(mapped.records.map((r) => (JSON.parse(r) as { message: string }).message)).toEqual(["small"]);
    expect(mapped.rejected).toBe(1);
    expect(mapped.errors).toEqual([`log record 1: over ${MAX_SHIPPED_RECORD_BYTES} bytes as a record`]);
  });

  it("rejects alone a record whose time the index does not keep, which would only be dead-lettered", () => {
    const window = { fromMs: Date.UTC(2026, 11, 1), toMs: Date.UTC(2026, 11, 6) };
    const record = (ns: string) => ({ timeUnixNano: ns, body: { stringValue: ns } });
    const mapped = otlpLogsToRecords(
      decodeOtlpLogsJson(
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    record("1796418000123456789"),
                    record(String(BigInt(Date.UTC(2026, 10, 30)) * 1_000_000n)),
                    record(String(BigInt(Date.UTC(2026, 11, 6)) * 1_000_000n)),
                    { body: { stringValue: "no time: the time it arrives" } },
                  ],
                },
              ],
            },
          ],
        }),
      ),
      window,
    );
    expect(mapped.records.map((r) => (JSON.parse(r) as { message: string }).message)).toEqual([
      "1796418000123456789",
      "no time: the time it arrives",
    ]);
    expect(mapped.rejected).toBe(2);
    expect(mapped.errors).toEqual([
      "log record 1: time 2026-11-30T00:00:00.000Z is outside the index's retention window (2026-12-01T00:00:00.000Z to 2026-12-06T00:00:00.000Z)",
      "log record 2: time 2026-12-06T00:00:00.000Z is outside the index's retention window (2026-12-01T00:00:00.000Z to 2026-12-06T00:00:00.000Z)",
    ]);
  });

  it("refuses malformed bodies with what is wrong", async () => {
    const body = ProtobufLogsSerializer.serializeRequest(await emitted())!;
    expect(() => decodeOtlpLogsProtobuf(body.subarray(0, body.length - 7))).toThrow(MalformedBodyError);
    expect(() => decodeOtlpLogsProtobuf(new TextEncoder().encode('{"resourceLogs":[]}'))).toThrow(
      MalformedBodyError,
    );
    expect(() => decodeOtlpLogsJson("{not json")).toThrow(/not valid JSON/);
    expect(() => decodeOtlpLogsJson('{"resourceLogs":{}}')).toThrow("body.resourceLogs: expected an array");
    expect(() =>
      decodeOtlpLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]}'),
    ).toThrow("resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: expected an unsigned 64-bit integer");
    // Nested deeper than the decoder recurses.
    let deep = '{"stringValue":"x"}';
    for (let i = 0; i < 100; i++) deep = `{"arrayValue":{"values":[${deep}]}}`;
    expect(() =>
      decodeOtlpLogsJson(`{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${deep}}]}]}]}`),
    ).toThrow(/nested more than/);
  });

  it("answers in the SDK's own response format, with partial_success only for rejected records", () => {
    expect(
      ProtobufLogsSerializer.deserializeResponse(exportLogsResponse("protobuf", 0, "") as Uint8Array),
    ).toEqual({});
    expect(
      ProtobufLogsSerializer.deserializeResponse(
        exportLogsResponse("protobuf", 2, "too large") as Uint8Array,
      ),
    ).toEqual({ partialSuccess: { rejectedLogRecords: 2, errorMessage: "too large" } });
    expect(
      JsonLogsSerializer.deserializeResponse(
        new TextEncoder().encode(exportLogsResponse("json", 2, "too large") as string),
      ),
    ).toEqual({ partialSuccess: { rejectedLogRecords: "2", errorMessage: "too large" } });
  });

  it("writes a google.rpc.Status for errors", () => {
    const status = new ProtoReader(otlpStatusBody("protobuf", 400, "bad body") as Uint8Array);
    expect(status.tag()).toEqual({ field: 1, wire: 0 });
    expect(status.varint()).toBe(3);
    expect(status.tag()).toEqual({ field: 2, wire: 2 });
    expect(status.string()).toBe("bad body");
    expect(JSON.parse(otlpStatusBody("json", 503, "broker away") as string)).toEqual({
      code: 14,
      message: "broker away",
    });
  });
});
