/**
 * OTLP/HTTP logs (OpenTelemetry protocol 1.x, opentelemetry/proto/collector/logs/v1): an
 * ExportLogsServiceRequest in binary protobuf or in OTLP/JSON, decoded into one model and mapped onto alco's
 * record format, and the ExportLogsServiceResponse (with partial_success) and google.rpc.Status answers in the
 * encoding the request came in.
 *
 * Mapping: the body is the message (a string as is, any other value as JSON text); severity_number, or
 * severity_text when the number is unset, the level; time_unix_nano, or observed_time_unix_nano when it is 0,
 * the time, every nanosecond kept (also as the field `time_unix_nano`, since the record's own time is to the
 * millisecond); resource attributes then the record's own attributes are fields, `service.name` the logger (the
 * scope's name when there is none) and `host.name` the host; trace_id and span_id are hex fields.
 */
import { MalformedBodyError, ProtoReader, ProtoWriter, WIRE } from "./protobuf-wire";
import {
  addRecord,
  mappedRecords,
  shippedRecordJson,
  type MappedRecords,
  type TimeWindow,
} from "./shipper-record";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
type Attribute = [string, JsonValue];

export type OtlpLogRecord = {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: JsonValue | undefined;
  attributes: Attribute[];
  traceId: string;
  spanId: string;
  flags: number;
  eventName: string;
};
export type OtlpScopeLogs = {
  scope: { name: string; version: string; attributes: Attribute[] };
  logRecords: OtlpLogRecord[];
};
export type OtlpExportRequest = { resourceLogs: { attributes: Attribute[]; scopeLogs: OtlpScopeLogs[] }[] };

/** Nesting of AnyValue arrays and maps beyond which a body is refused: the decoder recurses. */
const MAX_VALUE_DEPTH = 64;

const emptyRecord = (): OtlpLogRecord => ({
  timeUnixNano: 0n,
  observedTimeUnixNano: 0n,
  severityNumber: 0,
  severityText: "",
  body: undefined,
  attributes: [],
  traceId: "",
  spanId: "",
  flags: 0,
  eventName: "",
});

/** An int64 as a JSON number when it is one exactly, else as its decimal text. */
function intValue(v: bigint): JsonValue {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v);
}

// --- binary protobuf -------------------------------------------------------------------------------------------

function readAnyValue(r: ProtoReader, depth: number): JsonValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new MalformedBodyError(`AnyValue nested more than ${MAX_VALUE_DEPTH} deep`);
  let value: JsonValue = null;
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.expect(wire, WIRE.bytes, "AnyValue.string_value");
        value = r.string();
        break;
      case 2:
        r.expect(wire, WIRE.varint, "AnyValue.bool_value");
        value = r.varint() !== 0;
        break;
      case 3:
        r.expect(wire, WIRE.varint, "AnyValue.int_value");
        value = intValue(r.int64());
        break;
      case 4:
        r.expect(wire, WIRE.fixed64, "AnyValue.double_value");
        value = r.double();
        break;
      case 5: {
        r.expect(wire, WIRE.bytes, "AnyValue.array_value");
        const arr: JsonValue[] = [];
        const a = r.message();
        while (!a.done()) {
          const t = a.tag();
          if (t.field === 1) {
            a.expect(t.wire, WIRE.bytes, "ArrayValue.values");
            arr.push(readAnyValue(a.message(), depth + 1));
          } else a.skip(t.wire);
        }
        value = arr;
        break;
      }
      case 6: {
        r.expect(wire, WIRE.bytes, "AnyValue.kvlist_value");
        const obj = Object.create(null) as Record<string, JsonValue>;
        const l = r.message();
        while (!l.done()) {
          const t = l.tag();
          if (t.field === 1) {
            l.expect(t.wire, WIRE.bytes, "KeyValueList.values");
            const [k, v] = readKeyValue(l.message(), depth + 1);
            obj[k] = v;
          } else l.skip(t.wire);
        }
        value = obj;
        break;
      }
      case 7:
        r.expect(wire, WIRE.bytes, "AnyValue.bytes_value");
        value = Buffer.from(r.bytes()).toString("base64");
        break;
      default:
        r.skip(wire);
    }
  }
  return value;
}

function readKeyValue(r: ProtoReader, depth: number): Attribute {
  let key = "";
  let value: JsonValue = null;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "KeyValue.key");
      key = r.string();
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "KeyValue.value");
      value = readAnyValue(r.message(), depth);
    } else r.skip(wire);
  }
  return [key, value];
}

function readLogRecord(r: ProtoReader): OtlpLogRecord {
  const rec = emptyRecord();
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.expect(wire, WIRE.fixed64, "LogRecord.time_unix_nano");
        rec.timeUnixNano = r.fixed64();
        break;
      case 11:
        r.expect(wire, WIRE.fixed64, "LogRecord.observed_time_unix_nano");
        rec.observedTimeUnixNano = r.fixed64();
        break;
      case 2:
        r.expect(wire, WIRE.varint, "LogRecord.severity_number");
        rec.severityNumber = r.varint();
        break;
      case 3:
        r.expect(wire, WIRE.bytes, "LogRecord.severity_text");
        rec.severityText = r.string();
        break;
      case 5:
        r.expect(wire, WIRE.bytes, "LogRecord.body");
        rec.body = readAnyValue(r.message(), 0);
        break;
      case 6:
        r.expect(wire, WIRE.bytes, "LogRecord.attributes");
        rec.attributes.push(readKeyValue(r.message(), 0));
        break;
      case 8:
        r.expect(wire, WIRE.fixed32, "LogRecord.flags");
        rec.flags = r.fixed32();
        break;
      case 9:
        r.expect(wire, WIRE.bytes, "LogRecord.trace_id");
        rec.traceId = Buffer.from(r.bytes()).toString("hex");
        break;
      case 10:
        r.expect(wire, WIRE.bytes, "LogRecord.span_id");
        rec.spanId = Buffer.from(r.bytes()).toString("hex");
        break;
      case 12:
        r.expect(wire, WIRE.bytes, "LogRecord.event_name");
        rec.eventName = r.string();
        break;
      default:
        r.skip(wire);
    }
  }
  return rec;
}

/** Resource and InstrumentationScope both carry their attributes as KeyValues (field 1 and 3 respectively). */
function readScope(r: ProtoReader): OtlpScopeLogs["scope"] {
  const scope: OtlpScopeLogs["scope"] = { name: "", version: "", attributes: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "InstrumentationScope.name");
      scope.name = r.string();
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "InstrumentationScope.version");
      scope.version = r.string();
    } else if (field === 3) {
      r.expect(wire, WIRE.bytes, "InstrumentationScope.attributes");
      scope.attributes.push(readKeyValue(r.message(), 0));
    } else r.skip(wire);
  }
  return scope;
}

function readScopeLogs(r: ProtoReader): OtlpScopeLogs {
  const out: OtlpScopeLogs = { scope: { name: "", version: "", attributes: [] }, logRecords: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "ScopeLogs.scope");
      out.scope = readScope(r.message());
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "ScopeLogs.log_records");
      out.logRecords.push(readLogRecord(r.message()));
    } else r.skip(wire);
  }
  return out;
}

function readResourceLogs(r: ProtoReader): OtlpExportRequest["resourceLogs"][number] {
  const out: OtlpExportRequest["resourceLogs"][number] = { attributes: [], scopeLogs: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "ResourceLogs.resource");
      const res = r.message();
      while (!res.done()) {
        const t = res.tag();
        if (t.field === 1) {
          res.expect(t.wire, WIRE.bytes, "Resource.attributes");
          out.attributes.push(readKeyValue(res.message(), 0));
        } else res.skip(t.wire);
      }
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "ResourceLogs.scope_logs");
      out.scopeLogs.push(readScopeLogs(r.message()));
    } else r.skip(wire);
  }
  return out;
}

/** An ExportLogsServiceRequest in binary protobuf; throws MalformedBodyError. */
export function decodeOtlpLogsProtobuf(body: Uint8Array): OtlpExportRequest {
  const r = new ProtoReader(body);
  const req: OtlpExportRequest = { resourceLogs: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "ExportLogsServiceRequest.resource_logs");
      req.resourceLogs.push(readResourceLogs(r.message()));
    } else r.skip(wire);
  }
  return req;
}

// --- OTLP/JSON -------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new MalformedBodyError(`${path}: ${what}`);
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A field under its OTLP/JSON name (lowerCamelCase) or its proto name (snake_case), as protobuf JSON allows. */
function get(o: Obj, camel: string, snake: string): unknown {
  return o[camel] ?? o[snake];
}

function list(o: Obj, camel: string, snake: string, path: string): unknown[] {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${path}.${camel}`, "expected an array");
  return v;
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) fail(path, "expected an object");
  return v;
}

function str(o: Obj, camel: string, snake: string, path: string): string {
  const v = get(o, camel, snake);
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") fail(`${path}.${camel}`, "expected a string");
  return v;
}

/** 64-bit integers are decimal strings in OTLP/JSON; numbers are taken too. */
function u64(o: Obj, camel: string, snake: string, path: string): bigint {
  const v = get(o, camel, snake);
  if (v === undefined || v === null || v === "") return 0n;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "string" && /^\d{1,20}$/.test(v) && BigInt(v) < 2n ** 64n) return BigInt(v);
  return fail(`${path}.${camel}`, "expected an unsigned 64-bit integer as a decimal string");
}

const SEVERITY_NAMES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** Enums are integers in OTLP/JSON; protobuf JSON's enum names (SEVERITY_NUMBER_WARN2) are taken too. */
function severityNumber(o: Obj, path: string): number {
  const v = get(o, "severityNumber", "severity_number");
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === "string") {
    const m = /^SEVERITY_NUMBER_([A-Z]+)([234]?)$/.exec(v);
    const base = m ? SEVERITY_NAMES.indexOf(m[1]!) : -1;
    if (base >= 0) return base * 4 + 1 + (m![2] ? Number(m![2]) - 1 : 0);
    if (v === "SEVERITY_NUMBER_UNSPECIFIED") return 0;
  }
  return fail(`${path}.severityNumber`, "expected a SeverityNumber");
}

/** trace_id and span_id are hex in OTLP/JSON, not base64 as other bytes are. */
function hexId(o: Obj, camel: string, snake: string, path: string): string {
  const v = str(o, camel, snake, path);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(v)) fail(`${path}.${camel}`, "expected hex digits");
  return v.toLowerCase();
}

function jsonAnyValue(v: unknown, path: string, depth: number): JsonValue {
  if (depth > MAX_VALUE_DEPTH) fail(path, `nested more than ${MAX_VALUE_DEPTH} deep`);
  if (v === undefined || v === null) return null;
  const o = obj(v, path);
  if ("stringValue" in o || "string_value" in o) {
    const s = get(o, "stringValue", "string_value");
    if (typeof s !== "string") fail(`${path}.stringValue`, "expected a string");
    return s;
  }
  if ("boolValue" in o || "bool_value" in o) {
    const b = get(o, "boolValue", "bool_value");
    if (typeof b !== "boolean") fail(`${path}.boolValue`, "expected a boolean");
    return b;
  }
  if ("intValue" in o || "int_value" in o) {
    const i = get(o, "intValue", "int_value");
    if (typeof i === "number" && Number.isSafeInteger(i)) return i;
    if (typeof i === "string" && /^-?\d{1,20}$/.test(i)) return intValue(BigInt.asIntN(64, BigInt(i)));
    fail(`${path}.intValue`, "expected a 64-bit integer");
  }
  if ("doubleValue" in o || "double_value" in o) {
    const d = get(o, "doubleValue", "double_value");
    if (typeof d === "number") return d;
    if (d === "NaN" || d === "Infinity" || d === "-Infinity") return d;
    fail(`${path}.doubleValue`, "expected a number");
  }
  if ("arrayValue" in o || "array_value" in o) {
    const a = obj(get(o, "arrayValue", "array_value"), `${path}.arrayValue`);
    return list(a, "values", "values", `${path}.arrayValue`).map((x, i) =>
      jsonAnyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if ("kvlistValue" in o || "kvlist_value" in o) {
    const l = obj(get(o, "kvlistValue", "kvlist_value"), `${path}.kvlistValue`);
    const out = Object.create(null) as Record<string, JsonValue>;
    list(l, "values", "values", `${path}.kvlistValue`).forEach((x, i) => {
      const [k, val] = jsonKeyValue(x, `${path}.kvlistValue.values[${i}]`, depth + 1);
      out[k] = val;
    });
    return out;
  }
  if ("bytesValue" in o || "bytes_value" in o) {
    const b = get(o, "bytesValue", "bytes_value");
    if (typeof b !== "string" || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(b))
      fail(`${path}.bytesValue`, "expected base64");
    return b;
  }
  return null;
}

function jsonKeyValue(v: unknown, path: string, depth: number): Attribute {
  const o = obj(v, path);
  const key = o.key;
  if (typeof key !== "string") fail(`${path}.key`, "expected a string");
  return [key, jsonAnyValue(o.value, `${path}.value`, depth)];
}

function jsonAttributes(o: Obj, path: string): Attribute[] {
  return list(o, "attributes", "attributes", path).map((x, i) =>
    jsonKeyValue(x, `${path}.attributes[${i}]`, 0),
  );
}

function jsonLogRecord(v: unknown, path: string): OtlpLogRecord {
  const o = obj(v, path);
  const flags = get(o, "flags", "flags") ?? 0;
  if (typeof flags !== "number" || !Number.isInteger(flags) || flags < 0 || flags > 0xffffffff)
    fail(`${path}.flags`, "expected a 32-bit unsigned integer");
  return {
    timeUnixNano: u64(o, "timeUnixNano", "time_unix_nano", path),
    observedTimeUnixNano: u64(o, "observedTimeUnixNano", "observed_time_unix_nano", path),
    severityNumber: severityNumber(o, path),
    severityText: str(o, "severityText", "severity_text", path),
    body: o.body === undefined || o.body === null ? undefined : jsonAnyValue(o.body, `${path}.body`, 0),
    attributes: jsonAttributes(o, path),
    traceId: hexId(o, "traceId", "trace_id", path),
    spanId: hexId(o, "spanId", "span_id", path),
    flags,
    eventName: str(o, "eventName", "event_name", path),
  };
}

/** An ExportLogsServiceRequest in OTLP/JSON; throws MalformedBodyError naming the path of what is wrong. */
export function decodeOtlpLogsJson(text: string): OtlpExportRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedBodyError(`not valid JSON (${(err as Error).message.slice(0, 100)})`);
  }
  const root = obj(parsed, "body");
  return {
    resourceLogs: list(root, "resourceLogs", "resource_logs", "body").map((rl, i) => {
      const path = `resourceLogs[${i}]`;
      const o = obj(rl, path);
      const resource = get(o, "resource", "resource");
      return {
        attributes:
          resource === undefined || resource === null
            ? []
            : jsonAttributes(obj(resource, `${path}.resource`), `${path}.resource`),
        scopeLogs: list(o, "scopeLogs", "scope_logs", path).map((sl, j) => {
          const spath = `${path}.scopeLogs[${j}]`;
          const s = obj(sl, spath);
          const scope = get(s, "scope", "scope");
          const so = scope === undefined || scope === null ? {} : obj(scope, `${spath}.scope`);
          return {
            scope: {
              name: str(so, "name", "name", `${spath}.scope`),
              version: str(so, "version", "version", `${spath}.scope`),
              attributes: jsonAttributes(so, `${spath}.scope`),
            },
            logRecords: list(s, "logRecords", "log_records", spath).map((r, k) =>
              jsonLogRecord(r, `${spath}.logRecords[${k}]`),
            ),
          };
        }),
      };
    }),
  };
}

// --- mapping ---------------------------------------------------------------------------------------------------

/** SeverityNumber ranges (1–4 TRACE … 21–24 FATAL) to alco's level names. */
const LEVEL_OF_RANGE = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

function levelOf(r: OtlpLogRecord): string {
  if (r.severityNumber >= 1 && r.severityNumber <= 24)
    return LEVEL_OF_RANGE[Math.floor((r.severityNumber - 1) / 4)]!;
  return r.severityText;
}

function messageOf(body: JsonValue | undefined): string {
  if (body === undefined || body === null) return "";
  return typeof body === "string" ? body : JSON.stringify(body);
}

function stringAttr(attrs: Attribute[], key: string): string {
  for (const [k, v] of attrs) if (k === key && typeof v === "string") return v;
  return "";
}

/**
 * The request's log records as alco record JSON. A record that cannot be stored (over the size bound, or a time
 * outside `window`) is rejected alone, counted, and named in `errors`, as OTLP's partial success reports it.
 */
export function otlpLogsToRecords(req: OtlpExportRequest, window?: TimeWindow): MappedRecords {
  const out = mappedRecords();
  let n = 0;
  for (const rl of req.resourceLogs) {
    const service = stringAttr(rl.attributes, "service.name");
    const host = stringAttr(rl.attributes, "host.name");
    const resourceFields = rl.attributes.filter(([k]) => k !== "service.name" && k !== "host.name");
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        const fields = new Map<string, unknown>(resourceFields);
        if (sl.scope.name) fields.set("scope.name", sl.scope.name);
        if (sl.scope.version) fields.set("scope.version", sl.scope.version);
        for (const [k, v] of sl.scope.attributes) fields.set(k, v);
        for (const [k, v] of r.attributes) fields.set(k, v);
        const nanos = r.timeUnixNano || r.observedTimeUnixNano;
        if (nanos) fields.set("time_unix_nano", String(nanos));
        if (r.severityNumber >= 1 && r.severityText) fields.set("severity_text", r.severityText);
        if (r.traceId) fields.set("trace_id", r.traceId);
        if (r.spanId) fields.set("span_id", r.spanId);
        if (r.flags) fields.set("trace_flags", r.flags);
        if (r.eventName) fields.set("event_name", r.eventName);
        const json = shippedRecordJson(
          {
            message: messageOf(r.body),
            timeNanos: nanos ? String(nanos) : undefined,
            level: levelOf(r),
            logger: service || sl.scope.name,
            host,
            fields,
          },
          "attributes.",
        );
        addRecord(out, json, `log record ${n}`, nanos ? String(nanos) : undefined, window);
        n++;
      }
    }
  }
  return out;
}

// --- answers ---------------------------------------------------------------------------------------------------

export type OtlpEncoding = "protobuf" | "json";

export const OTLP_CONTENT_TYPE: Record<OtlpEncoding, string> = {
  protobuf: "application/x-protobuf",
  json: "application/json",
};

/** ExportLogsServiceResponse; partial_success only when something was rejected. */
export function exportLogsResponse(
  encoding: OtlpEncoding,
  rejected: number,
  errorMessage: string,
): Uint8Array<ArrayBuffer> | string {
  if (encoding === "json")
    return JSON.stringify(
      rejected ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage } } : {},
    );
  const w = new ProtoWriter();
  if (rejected) w.bytes(1, new ProtoWriter().varint(1, rejected).string(2, errorMessage).finish());
  return w.finish();
}

/** google.rpc.Status codes for the HTTP statuses OTLP answers with. */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 429: 8, 503: 14 };

/** The body of an OTLP error answer: a google.rpc.Status with a code and a message. */
export function otlpStatusBody(
  encoding: OtlpEncoding,
  httpStatus: number,
  message: string,
): Uint8Array<ArrayBuffer> | string {
  const code = RPC_CODE[httpStatus] ?? 13;
  if (encoding === "json") return JSON.stringify({ code, message });
  return new ProtoWriter().varint(1, code).string(2, message).finish();
}
