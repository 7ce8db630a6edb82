/**
 * What travels on the live exchange: one message per stored batch (or slice of one), routing key = index name,
 * body `{ "index", "records" }` with the records as the engine stored them (excluded fields removed), oldest
 * first, in the grep API's LogRecord shape with no highlights.
 *
 * Headers let a tail notice a message it never got: each publisher numbers its messages per index
 * (`x-alco-live-seq`, from 1, under a random `x-alco-live-publisher` id). A tail that sees a number skipped knows
 * lines went missing (a bounded queue dropped them, or the collector could not publish) and back-fills them from
 * the index, where they are already stored.
 */
import type { NormalizedRecord } from "@/lib/records/normalize-record";
import type { LogRecord } from "@/lib/query/wire";
import { sortByPosition } from "@/lib/query/cursor";

export type LiveMessage = { index: string; records: LogRecord[] };

export const LIVE_HEADERS = {
  publisher: "x-alco-live-publisher",
  seq: "x-alco-live-seq",
} as const;

/** A message stays below this many bytes of JSON (RabbitMQ 4 refuses messages over 16 MiB by default). */
export const LIVE_MESSAGE_MAX_BYTES = 1024 * 1024;

export function toLogRecord(r: NormalizedRecord): LogRecord {
  return {
    id: r.id,
    ts: r.ts,
    seq: r.seq,
    time: new Date(r.ts).toISOString(),
    message: r.message,
    level: r.level,
    logger: r.logger,
    host: r.host,
    fields: r.fields,
    highlights: [],
  };
}

/**
 * The bodies to publish for one stored batch: records oldest first, one per id, cut into messages of at most
 * LIVE_MESSAGE_MAX_BYTES (a single larger record travels alone).
 */
export function encodeLiveMessages(
  index: string,
  stored: NormalizedRecord[],
  maxBytes = LIVE_MESSAGE_MAX_BYTES,
): Buffer[] {
  // Two records of one batch with the same id: the engine keeps the last, and so does the live view.
  const byId = new Map(stored.map((r) => [r.id, r]));
  const records = sortByPosition([...byId.values()].map(toLogRecord));
  const out: Buffer[] = [];
  const head = `{"index":${JSON.stringify(index)},"records":[`;
  let parts: string[] = [];
  let size = head.length + 2;
  for (const r of records) {
    const json = JSON.stringify(r);
    const bytes = Buffer.byteLength(json);
    if (parts.length > 0 && size + bytes + 1 > maxBytes) {
      out.push(Buffer.from(`${head}${parts.join(",")}]}`));
      parts = [];
      size = head.length + 2;
    }
    parts.push(json);
    size += bytes + 1;
  }
  if (parts.length) out.push(Buffer.from(`${head}${parts.join(",")}]}`));
  return out;
}

/** Parses a live message body; null when it is not one. */
export function decodeLiveMessage(body: Buffer): LiveMessage | null {
  try {
    const v = JSON.parse(body.toString("utf8")) as Partial<LiveMessage> | null;
    if (!v || typeof v.index !== "string" || !Array.isArray(v.records)) return null;
    return { index: v.index, records: v.records };
  } catch {
    return null;
  }
}
