/**
 * The live tail's Server-Sent Events, as written on the wire (docs/API.md "Live tail"):
 *
 *   event: records            event: sampled             event: ready        : keepalive
 *   id: <ts>_<id>             data: {"dropped": n}       data: {}
 *   data: {"records": [...]}
 *
 * JSON never holds a raw line break, so each event's data is one line. lib/live/sse-parser.ts is the reading
 * side.
 */
import type { LogRecord } from "@/lib/query/wire";

export const SSE_KEEPALIVE = ": keepalive\n\n";

export function sseEvent(event: string, data: unknown, id?: string): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

export function sseRecords(records: LogRecord[], lastCursor: string): string {
  return sseEvent("records", { records }, lastCursor);
}
