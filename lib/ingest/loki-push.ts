/**
 * Loki's push API (`POST /loki/api/v1/push`): a PushRequest as snappy-compressed protobuf (Loki's logproto
 * push.proto: streams of labels, in Prometheus' `{a="b"}` form, and entries of a timestamp, a line and structured
 * metadata), which Promtail, Grafana Alloy and most Loki clients send, or the same as JSON
 * (`{"streams":[{"stream":{…},"values":[["<ns>","<line>",{…}]]}]}`), decoded into one model and mapped onto
 * alco's record format.
 *
 * Mapping: the line is the message, unless it is a JSON object with a message (pino-loki and many apps write
 * their records so), whose message is then the message and whose other keys are fields. Stream labels and
 * structured metadata are fields; `service_name`, `app` or `job` (the first present) is the logger, `host` or
 * `hostname` the host, `level` the level; a JSON line's own logger, host and level count when the labels have
 * none. The entry's timestamp is the time, every nanosecond kept (also as the field `time_unix_nano`).
 */
import SnappyJS from "snappyjs";
import { HOST_KEYS, LEVEL_KEYS, LOGGER_KEYS, messageKeyOf } from "@/lib/records/record-keys";
import { MalformedBodyError, ProtoReader, WIRE } from "./protobuf-wire";
import {
  addRecord,
  mappedRecords,
  shippedRecordJson,
  type MappedRecords,
  type TimeWindow,
} from "./shipper-record";

type Pair = [string, string];
export type LokiEntry = { nanos: bigint; line: string; metadata: Pair[] };
export type LokiStream = { labels: Pair[]; entries: LokiEntry[] };
export type LokiPush = { streams: LokiStream[] };

const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_.]*/y;
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "'": "'" };

/** A Prometheus label set as text, `{job="api", host="web-1"}`, values in Go's quoted-string syntax. */
export function parseLabels(text: string): Pair[] {
  const s = text.trim();
  const bad = (why: string): never => {
    throw new MalformedBodyError(`labels ${JSON.stringify(s.slice(0, 200))}: ${why}`);
  };
  if (!s.startsWith("{") || !s.endsWith("}")) bad('expected {name="value", …}');
  const out: Pair[] = [];
  let i = 1;
  const end = s.length - 1;
  const space = () => {
    while (i < end && /\s/.test(s[i]!)) i++;
  };
  space();
  while (i < end) {
    LABEL_NAME.lastIndex = i;
    const m = LABEL_NAME.exec(s);
    if (!m) bad(`expected a label name at ${i}`);
    const name = m![0];
    i += name.length;
    space();
    if (s[i] !== "=") bad(`expected = after ${name}`);
    i++;
    space();
    if (s[i] !== '"') bad(`expected a quoted value for ${name}`);
    i++;
    let value = "";
    for (;;) {
      if (i >= end) bad(`unterminated value of ${name}`);
      const c = s[i]!;
      if (c === '"') break;
      if (c === "\\") {
        const e = s[i + 1] ?? "";
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        if (!(e in ESCAPES)) bad(`unknown escape \\${e} in the value of ${name}`);
        value += ESCAPES[e];
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    out.push([name, value]);
    space();
    if (s[i] === ",") {
      i++;
      space();
    } else if (i < end) bad(`expected , or } after the value of ${name}`);
  }
  return out;
}

// --- snappy-compressed protobuf --------------------------------------------------------------------------------

function readPair(r: ProtoReader): Pair {
  let name = "";
  let value = "";
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "LabelPairAdapter.name");
      name = r.string();
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "LabelPairAdapter.value");
      value = r.string();
    } else r.skip(wire);
  }
  return [name, value];
}

/** google.protobuf.Timestamp: int64 seconds (1), int32 nanos (2). */
function readTimestamp(r: ProtoReader): bigint {
  let seconds = 0n;
  let nanos = 0n;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.varint, "Timestamp.seconds");
      seconds = r.int64();
    } else if (field === 2) {
      r.expect(wire, WIRE.varint, "Timestamp.nanos");
      nanos = BigInt.asIntN(32, r.int64());
    } else r.skip(wire);
  }
  return seconds * 1_000_000_000n + nanos;
}

function readEntry(r: ProtoReader): LokiEntry {
  const entry: LokiEntry = { nanos: 0n, line: "", metadata: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "EntryAdapter.timestamp");
      entry.nanos = readTimestamp(r.message());
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "EntryAdapter.line");
      entry.line = r.string();
    } else if (field === 3) {
      r.expect(wire, WIRE.bytes, "EntryAdapter.structuredMetadata");
      entry.metadata.push(readPair(r.message()));
    } else r.skip(wire);
  }
  return entry;
}

function readStream(r: ProtoReader): LokiStream {
  const stream: LokiStream = { labels: [], entries: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "StreamAdapter.labels");
      stream.labels = parseLabels(r.string());
    } else if (field === 2) {
      r.expect(wire, WIRE.bytes, "StreamAdapter.entries");
      stream.entries.push(readEntry(r.message()));
    } else r.skip(wire);
  }
  return stream;
}

/** A PushRequest as snappy-compressed (block format) protobuf; throws MalformedBodyError. */
export function decodeLokiProtobuf(body: Uint8Array, maxBytes: number): LokiPush {
  let raw: Uint8Array;
  try {
    raw = SnappyJS.uncompress(body, maxBytes);
  } catch (err) {
    throw new MalformedBodyError(`not snappy-compressed (${(err as Error).message})`);
  }
  const r = new ProtoReader(raw);
  const push: LokiPush = { streams: [] };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(wire, WIRE.bytes, "PushRequest.streams");
      push.streams.push(readStream(r.message()));
    } else r.skip(wire);
  }
  return push;
}

// --- JSON ------------------------------------------------------------------------------------------------------

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function stringPairs(v: unknown, path: string): Pair[] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) throw new MalformedBodyError(`${path}: expected an object of strings`);
  return Object.entries(v).map(([k, x]) => {
    if (typeof x !== "string") throw new MalformedBodyError(`${path}.${k}: expected a string`);
    return [k, x];
  });
}

/** The JSON push body; throws MalformedBodyError naming the path of what is wrong. */
export function decodeLokiJson(text: string): LokiPush {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new MalformedBodyError(`not valid JSON (${(err as Error).message.slice(0, 100)})`);
  }
  if (!isObj(parsed) || !Array.isArray(parsed.streams))
    throw new MalformedBodyError('expected {"streams": [{"stream": {…}, "values": [[…]]}]}');
  return {
    streams: parsed.streams.map((s: unknown, i) => {
      const path = `streams[${i}]`;
      if (!isObj(s)) throw new MalformedBodyError(`${path}: expected an object`);
      if (!Array.isArray(s.values)) throw new MalformedBodyError(`${path}.values: expected an array`);
      return {
        labels: stringPairs(s.stream, `${path}.stream`),
        entries: s.values.map((v: unknown, j) => {
          const vpath = `${path}.values[${j}]`;
          if (!Array.isArray(v) || v.length < 2 || v.length > 3)
            throw new MalformedBodyError(`${vpath}: expected ["<unix epoch ns>", "<line>"] or with metadata`);
          const [ts, line, metadata] = v as unknown[];
          if (typeof ts !== "string" || !/^\d{1,19}$/.test(ts))
            throw new MalformedBodyError(`${vpath}[0]: expected nanoseconds since the epoch as a string`);
          if (typeof line !== "string")
            throw new MalformedBodyError(`${vpath}[1]: expected the line as a string`);
          return { nanos: BigInt(ts), line, metadata: stringPairs(metadata, `${vpath}[2]`) };
        }),
      };
    }),
  };
}

// --- mapping ---------------------------------------------------------------------------------------------------

const LOGGER_LABELS = ["service_name", "app", "job"] as const;
const HOST_LABELS = ["host", "hostname"] as const;
const LEVEL_LABELS = ["level", "severity", "detected_level"] as const;

/** A JSON object line with a message, or null for a line that is text. */
function jsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  return isObj(v) && messageKeyOf(v) !== undefined ? v : null;
}

function takeFirst(m: Map<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = m.get(k);
    if (typeof v === "string" && v !== "") {
      m.delete(k);
      return v;
    }
  }
  return undefined;
}

/**
 * The push's entries as alco record JSON; an entry too large to store, or with a time outside `window`, is
 * refused alone and named.
 */
export function lokiToRecords(push: LokiPush, window?: TimeWindow): MappedRecords {
  const out = mappedRecords();
  let n = 0;
  for (const stream of push.streams) {
    for (const e of stream.entries) {
      const labels = new Map<string, unknown>(stream.labels);
      for (const [k, v] of e.metadata) labels.set(k, v);
      const logger = takeFirst(labels, LOGGER_LABELS);
      const host = takeFirst(labels, HOST_LABELS);
      const level = takeFirst(labels, LEVEL_LABELS);

      const parsed = jsonLine(e.line);
      let message = e.line;
      const fields = new Map<string, unknown>();
      let own: { logger?: string; host?: string; level?: string | number } = {};
      if (parsed) {
        const line = new Map<string, unknown>(Object.entries(parsed));
        const key = messageKeyOf(parsed)!;
        message = parsed[key] as string;
        line.delete(key);
        own = {
          logger: logger ? undefined : takeFirst(line, LOGGER_KEYS),
          host: host ? undefined : takeFirst(line, HOST_KEYS),
          level: level ? undefined : levelOf(line),
        };
        for (const [k, v] of line) fields.set(k, v);
      }
      for (const [k, v] of labels) fields.set(k, v);
      const nanos = e.nanos > 0n ? String(e.nanos) : undefined;
      if (nanos) fields.set("time_unix_nano", nanos);
      addRecord(
        out,
        shippedRecordJson(
          {
            message,
            timeNanos: nanos,
            level: level ?? own.level,
            logger: logger ?? own.logger,
            host: host ?? own.host,
            fields,
          },
          "line.",
        ),
        `entry ${n++}`,
        nanos,
        window,
      );
    }
  }
  return out;
}

/** A JSON line's level: a name, or a number as pino writes it. */
function levelOf(line: Map<string, unknown>): string | number | undefined {
  for (const k of LEVEL_KEYS) {
    const v = line.get(k);
    if ((typeof v === "string" && v !== "") || typeof v === "number") {
      line.delete(k);
      return v;
    }
  }
  return undefined;
}
