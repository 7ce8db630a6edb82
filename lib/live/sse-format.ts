/**
 * The live tail's Server-Sent Events, as written on the wire (docs/API.md "Live tail"):
 *
 *   event: records            event: sampled             event: ready        : keepalive
 *   id: <ts>_<id>             data: {"dropped": n}       data: {}
 *   data: {"records": [...]}
 *
 * JSON never holds a raw line break, so each event's data is one line. The parser is the reading side, for
 * tests and tools; browsers have EventSource.
 */
import type { LogRecord } from "@/lib/query/search-records";

export const SSE_KEEPALIVE = ": keepalive\n\n";

export function sseEvent(event: string, data: unknown, id?: string): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}data: ${JSON.stringify(data)}\n\n`;
}

export function sseRecords(records: LogRecord[], lastCursor: string): string {
  return sseEvent("records", { records }, lastCursor);
}

export type SseMessage = { event: string; id: string | undefined; data: string };

/** Reads events out of chunks of an event stream (comments and `retry` are skipped). */
export class SseParser {
  private buffer = "";
  private event = "";
  private id: string | undefined;
  private data: string[] = [];

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\n|\r/)) !== -1) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (this.data.length > 0)
          out.push({ event: this.event || "message", id: this.id, data: this.data.join("\n") });
        this.event = "";
        this.id = undefined;
        this.data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") this.event = value;
      else if (field === "id") this.id = value;
      else if (field === "data") this.data.push(value);
    }
    return out;
  }
}
