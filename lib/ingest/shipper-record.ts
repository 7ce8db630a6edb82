/**
 * The record JSON a protocol front end (OTLP, Loki) publishes: the collector's own record format
 * (lib/records/normalize-record.ts), with the message, time, level, logger and host under the keys it lifts, and
 * every other attribute or label as a field. A field whose name is one of the lifted keys (an attribute called
 * `time`, a label called `message`) is renamed with the protocol's prefix, so that it can neither take the place
 * of the real message or time nor be lost.
 */
import { HOST_KEYS, LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, TIME_KEYS } from "@/lib/records/record-keys";

/** The most bytes one record may have: the collector's default bound is 2 MiB, and a record is not a file. */
export const MAX_SHIPPED_RECORD_BYTES = 1024 * 1024;

// `@version` and `seq` are what the collector reads as Python logcollect's; `id` is a key readers treat as ours.
const LIFTED = new Set<string>([
  ...MESSAGE_KEYS,
  ...TIME_KEYS,
  ...LEVEL_KEYS,
  ...HOST_KEYS,
  ...LOGGER_KEYS,
  "@version",
  "seq",
]);

export type ShippedRecord = {
  message: string;
  /** Nanoseconds since the epoch, as decimal digits; absent when the sender gave no time. */
  timeNanos?: string;
  /** A level name, or a number as pino writes it. */
  level?: string | number;
  logger?: string;
  host?: string;
  fields: Iterable<[string, unknown]>;
};

/**
 * The record as JSON text. `time` carries all nanoseconds (the collector keeps the millisecond as the record's
 * time and orders lines within it by the rest); `fieldPrefix` renames a field that would collide.
 */
export function shippedRecordJson(r: ShippedRecord, fieldPrefix: string): string {
  // No prototype: a field called `__proto__` stays a field.
  const out = Object.create(null) as Record<string, unknown>;
  out.message = r.message;
  if (r.timeNanos !== undefined) out.time = r.timeNanos;
  if (r.level !== undefined && r.level !== "") out.level = r.level;
  if (r.logger) out.logger = r.logger;
  if (r.host) out.host = r.host;
  for (const [k, v] of r.fields) out[LIFTED.has(k) ? `${fieldPrefix}${k}` : k] = v;
  return JSON.stringify(out);
}

/** A body's records, and those refused alone (over the size bound), counted and named for the sender. */
export type MappedRecords = { records: string[]; rejected: number; errors: string[] };

export const mappedRecords = (): MappedRecords => ({ records: [], rejected: 0, errors: [] });

/**
 * The times an index stores ([fromMs, toMs), lib/engine/retention.ts): a record outside them would only reach
 * the dead-letter queue, so the sender is told now instead.
 */
export type TimeWindow = { fromMs: number; toMs: number };

function refuse(out: MappedRecords, what: string, why: string): void {
  out.rejected++;
  if (out.errors.length < 5) out.errors.push(`${what}: ${why}`);
}

/**
 * Takes a record's JSON, or refuses it alone when it is too large to store or its time (nanoseconds) lies outside
 * the index's window; `what` names it (`entry 3`).
 */
export function addRecord(
  out: MappedRecords,
  json: string,
  what: string,
  timeNanos: string | undefined,
  window: TimeWindow | undefined,
): void {
  // A UTF-16 unit is at most 3 bytes of UTF-8: most records need no count of their bytes.
  if (json.length > MAX_SHIPPED_RECORD_BYTES / 3 && Buffer.byteLength(json) > MAX_SHIPPED_RECORD_BYTES)
    return refuse(out, what, `over ${MAX_SHIPPED_RECORD_BYTES} bytes as a record`);
  if (window && timeNanos !== undefined) {
    const ms = Number(BigInt(timeNanos) / 1_000_000n);
    if (ms < window.fromMs || ms >= window.toMs)
      return refuse(
        out,
        what,
        `time ${Number.isFinite(new Date(ms).getTime()) ? new Date(ms).toISOString() : timeNanos} is outside the index's retention window (${new Date(window.fromMs).toISOString()} to ${new Date(window.toMs).toISOString()})`,
      );
  }
  out.records.push(json);
}

/**
 * What a protocol front end says in Retry-After when the broker is away: OpenTelemetry's exporters wait that
 * long between their five attempts within a 10 s export timeout, so a short value rides out a broker restart.
 */
export const RETRY_AFTER_SECONDS = 2;
