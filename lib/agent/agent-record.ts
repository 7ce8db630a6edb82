/**
 * What the agent publishes for one record: the JSON body, its routing key and its message id.
 *
 * Body: the parsed fields, then `message`, `timestamp` (ISO; from the line, else the time it was read) and
 * `level` when the line names one, then where it came from: `host`, `logger`, `file`, `tags`. These four always
 * describe the source; a JSON line's own field of the same name is kept as `line_<name>`. A JSON line keeps its
 * own message and time fields for the collector to lift (its rules for `@timestamp` apply); the agent adds
 * `message` (the whole line) or `timestamp` (the read time) only when the line has none.
 *
 * Message id: a hash of the host, the file generation (see offset-store.ts) and the record's first byte offset.
 * A line read again after a crash gets the id it had, and the collector stores it once (record ids derive from
 * message ids); two identical lines stay two records because their offsets differ.
 */
import { createHash } from "node:crypto";
import { messageKeyOf } from "@/lib/records/record-keys";
import { isoTime } from "./leading-timestamp";
import type { ParsedLine } from "./line-parsers";

export type RecordSource = { host: string; logger: string; tags: string[] };

/** Sets an own property, also for a key named `__proto__` (which JSON.parse can produce). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

export function buildRecordBody(
  parsed: ParsedLine,
  message: string,
  readAt: number,
  file: string,
  source: RecordSource,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.fields)) setOwn(body, k, v);
  const put = (k: string, v: unknown) => {
    if (Object.hasOwn(body, k) && JSON.stringify(body[k]) !== JSON.stringify(v))
      setOwn(body, `line_${k}`, body[k]);
    setOwn(body, k, v);
  };
  if (parsed.format === "json") {
    if (messageKeyOf(body) === undefined) put("message", message);
    if (parsed.time === null) put("timestamp", isoTime(readAt));
  } else {
    put("message", message);
    put("timestamp", isoTime(parsed.time ?? readAt));
    if (parsed.level) put("level", parsed.level);
  }
  put("host", source.host);
  put("logger", source.logger);
  put("file", file);
  put("tags", source.tags);
  return body;
}

export function recordMessageId(host: string, fileId: string, offset: number): string {
  return createHash("sha256").update(`${host}\u0000${fileId}\u0000${offset}`).digest("hex").slice(0, 32);
}

/**
 * `<prefix>.<index>.<logger>`: a logger index's default binding `*.<index>.#` takes it, and bindings can still
 * select by logger (`*.*.nginx`). The collector reads the logger from the record's `logger` field.
 */
export function agentRoutingKey(prefix: string, index: string, logger: string): string {
  return `${prefix}.${index}.${logger}`;
}
