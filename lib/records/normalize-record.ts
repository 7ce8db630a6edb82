/**
 * Turns what apps already send into one record shape: Python logcollect, winston JSON, pino JSON, or any JSON
 * object with a message. Every field is kept; the well-known ones (time, message, level, logger, host) are lifted
 * out so the engine can filter and sort on them. A message that cannot be a record gets a reason, for the
 * dead-letter queue.
 */
import { z } from "zod";
import { normalizeLevel } from "./levels";
import { dateMs, parseTime, parseWallClock, subMillisecondNanos } from "./parse-time";
import { recordId } from "./record-id";
import { arrivalSeq, logcollectSeq } from "./record-seq";
import { HOST_KEYS, LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, messageKeyOf, TIME_KEYS } from "./record-keys";
import { removeControls } from "./terminal-escapes";

export type NormalizedRecord = {
  id: string;
  ts: number;
  /** Its place among its source's lines of the same millisecond (record-seq.ts). */
  seq: string;
  /** Control characters and escape sequences removed, SGR sequences (colours, bold) kept. */
  message: string;
  level: string;
  lvl: number;
  logger: string;
  host: string;
  /** Every other field of the record, control characters and escape sequences removed. */
  fields: Record<string, unknown>;
};

export type Delivery = {
  body: Buffer;
  routingKey: string;
  messageId?: string;
  /** AMQP `timestamp` property, seconds. */
  amqpTimestamp?: number;
  /** The `timestamp_in_ms` header (RabbitMQ's timestamp plugin, our HTTP ingest): the same, to the millisecond. */
  headerTimestampMs?: number;
  receivedAt: number;
  /** The `x-alco-seq` header, when it held a usable seq (seqFromHeader). */
  seqHeader?: string;
  /** When the collector received it, in epoch microseconds (arrivalClock): the last resort of a record's seq. */
  arrivedMicros?: number;
};

export type NormalizeOptions = { maxBytes: number; logcollectTimeZone: string };

export type NormalizeResult = { ok: true; record: NormalizedRecord } | { ok: false; reason: string };

/**
 * A record is a JSON object with a message; the rest is optional and loosely typed on purpose. Checked as a
 * shape, not key by key: this runs for every record.
 */
const recordSchema = z
  .custom<Record<string, unknown>>(
    (v) => v !== null && typeof v === "object" && !Array.isArray(v),
    "not a JSON object",
  )
  .refine((r) => messageKeyOf(r) !== undefined, {
    message: `no message text (expected a string in one of: ${MESSAGE_KEYS.join(", ")})`,
  });

/**
 * Whether parsed JSON text may hold anything sanitizeValue would change. Valid JSON can only carry control
 * characters as escapes (\u0001, \b, \f) or a raw DEL, a lone surrogate only as an escape (decoded UTF-8 has
 * none), writes a number of 2^63 or more with 19 digits or an exponent of two digits or more, and cannot nest
 * deeper than it has brackets.
 */
function mayNeedSanitizing(text: string): boolean {
  if (/\\u00[01]|\\u007[fF]|\\[bf]|\u007f|\\u[dD][89a-fA-F]|\d{19}|\d[eE]\+?\d\d/.test(text)) return true;
  let brackets = 0;
  for (let i = text.indexOf("{"); i !== -1 && brackets < MAX_DEPTH; i = text.indexOf("{", i + 1)) brackets++;
  for (let i = text.indexOf("["); i !== -1 && brackets < MAX_DEPTH; i = text.indexOf("[", i + 1)) brackets++;
  return brackets >= MAX_DEPTH;
}

const MAX_DEPTH = 32;

/**
 * Deeper than this a record is refused rather than stored: the part below MAX_DEPTH is kept as JSON text, and
 * JSON.stringify recurses, overflowing the stack a few thousand levels down (JSON.parse does not, so such a
 * message parses fine and then takes the consumer down with it).
 */
export const MAX_NESTING = 512;

/** How deeply valid JSON text nests, counting only up to `limit + 1`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Assigns an own property, so that a field named `__proto__` is kept as a field rather than set as prototype. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Control characters and escape sequences removed (terminal-escapes.ts), the message's colours kept, and a lone
 * surrogate made U+FFFD here, as invalid UTF-8 is: left in, the engine would turn the one in the message into one
 * U+FFFD and the one in a field into three.
 */
function cleanText(s: string, keepSgr = false): string {
  return removeControls(s, keepSgr).replace(LONE_SURROGATE, "\uFFFD");
}

/**
 * Beyond the engine's 64-bit integers a JSON number is not safe to store: it clamps integers to 2^63 - 1, and
 * writes a double of 2e24 or more back as text that is not JSON, so the record comes back without any field.
 */
const ENGINE_NUMBER_LIMIT = 2 ** 63;

/**
 * Cleans keys and strings (cleanText), keeps numbers the engine cannot hold as their text, and bounds nesting
 * depth (deeper parts become strings).
 */
export function sanitizeValue(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return cleanText(v);
  if (typeof v === "number")
    return !Number.isFinite(v) ? null : Math.abs(v) >= ENGINE_NUMBER_LIMIT ? String(v) : v;
  if (v === null || typeof v !== "object") return v;
  if (depth >= MAX_DEPTH) return cleanText(JSON.stringify(v));
  if (Array.isArray(v)) return v.map((x) => sanitizeValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) setOwn(out, cleanText(k), sanitizeValue(x, depth + 1));
  return out;
}

function firstKey<K extends string>(
  r: Record<string, unknown>,
  keys: readonly K[],
  ok: (v: unknown) => boolean,
) {
  for (const k of keys) if (ok(r[k])) return k;
  return undefined;
}

const isString = (v: unknown) => typeof v === "string";
const isNonEmptyString = (v: unknown) => typeof v === "string" && v.trim() !== "";

function isLogcollect(r: Record<string, unknown>): boolean {
  return typeof r["@timestamp"] === "string" && ("@version" in r || "levelname" in r);
}

function hostName(v: unknown): string {
  if (typeof v === "string") return v;
  // Elastic/Beats style: {"host": {"name": "web-1"}}
  if (v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string")
    return (v as { name: string }).name;
  return "";
}

/** The logger name when a record has none: the routing key without its first segment (`<prefix>.<logger>`). */
function loggerFromRoutingKey(rk: string): string {
  const i = rk.indexOf(".");
  return i >= 0 ? rk.slice(i + 1) : rk;
}

export function normalizeRecord(d: Delivery, opts: NormalizeOptions): NormalizeResult {
  if (d.body.length > opts.maxBytes) {
    return { ok: false, reason: `too large: ${d.body.length} bytes exceeds the limit of ${opts.maxBytes}` };
  }
  let parsed: unknown;
  // Invalid UTF-8 sequences become U+FFFD rather than losing the record.
  const text = d.body.toString("utf8");
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return {
      ok: false,
      reason: `not a JSON object: got ${Array.isArray(parsed) ? "array" : parsed === null ? "null" : typeof parsed}`,
    };
  }
  const checked = recordSchema.safeParse(parsed);
  if (!checked.success) return { ok: false, reason: checked.error.issues[0]?.message ?? "invalid record" };
  let raw = checked.data;
  if (mayNeedSanitizing(text)) {
    if (nestingDepth(text, MAX_NESTING) > MAX_NESTING)
      return { ok: false, reason: `nested too deeply: more than ${MAX_NESTING} levels` };
    raw = sanitizeValue(raw) as Record<string, unknown>;
  }

  const messageKey = firstKey(raw, MESSAGE_KEYS, isString)!;
  const timeKey = firstKey(raw, TIME_KEYS, (v) => typeof v === "string" || typeof v === "number");
  const logcollect = isLogcollect(raw);
  let ts: number | null = null;
  if (timeKey) {
    ts =
      timeKey === "@timestamp" && logcollect
        ? parseWallClock(raw[timeKey], opts.logcollectTimeZone)
        : parseTime(raw[timeKey]);
  }
  const nanos = ts !== null ? subMillisecondNanos(raw[timeKey!]) : 0;
  const sourceSeq =
    d.seqHeader ?? (logcollect ? logcollectSeq(Math.floor(nanos / 1000), raw.seq) : undefined);
  const levelKey = firstKey(raw, LEVEL_KEYS, (v) => isNonEmptyString(v) || typeof v === "number");
  const hostKey = firstKey(raw, HOST_KEYS, (v) => hostName(v) !== "");
  const loggerKey = firstKey(raw, LOGGER_KEYS, isNonEmptyString);

  // Everything not lifted out stays a field; an unreadable time stays visible among them.
  const lifted = new Set<string | undefined>([
    messageKey,
    ts !== null ? timeKey : undefined,
    levelKey,
    hostKey,
    loggerKey,
  ]);
  const fields: Record<string, unknown> = {};
  for (const k in raw) if (!lifted.has(k)) setOwn(fields, k, raw[k]);

  // The message keeps its colours; sanitizeValue removed them from it with every other escape sequence. Fields,
  // the level among them (winston's colorize writes `ESC[31merror ESC[39m`), are kept as plain text.
  const sent = checked.data[messageKey];
  const message =
    raw !== checked.data && typeof sent === "string" ? cleanText(sent, true) : (raw[messageKey] as string);
  ts ??= d.headerTimestampMs ?? (d.amqpTimestamp ? dateMs(d.amqpTimestamp * 1000) : null) ?? d.receivedAt;
  const seq = sourceSeq ?? arrivalSeq(nanos, ts, d.arrivedMicros ?? d.receivedAt * 1000);
  const { level, lvl } = normalizeLevel(levelKey ? raw[levelKey] : undefined);
  const host = hostKey ? hostName(raw[hostKey]) : "";
  const logger = loggerKey ? (raw[loggerKey] as string) : loggerFromRoutingKey(d.routingKey);

  return {
    ok: true,
    record: {
      id: recordId({ messageId: d.messageId, routingKey: d.routingKey, body: d.body }),
      ts,
      seq,
      message,
      level,
      lvl,
      logger: logger.slice(0, 256),
      host: host.slice(0, 256),
      fields,
    },
  };
}
