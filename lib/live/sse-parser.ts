/**
 * A server-sent events parser (the `text/event-stream` format of the HTML standard), pure: feed it decoded text
 * in chunks of any size, get back the events each chunk completes. Lines end in LF, CRLF or CR, also when a CRLF
 * is split across two chunks; `data` lines join with LF; `id` carries over to later events until another `id`
 * replaces it; comments (`: keepalive`) come back as their own kind, so a client can tell the stream is alive.
 * One departure from the standard: an event with a type but no data is still dispatched (`event: ready`).
 * The one reader of the live tail's stream (lib/live/sse-format.ts writes it) for the CLI and the tests;
 * browsers have EventSource.
 */

export type SseMessage = {
  kind: "event";
  /** `message` when the block named none. */
  event: string;
  data: string;
  /** The last `id` seen on the stream so far, this block's or an earlier one's ("" before any). */
  id: string;
  /** The block's `retry` (ms), when it had a valid one. */
  retry?: number;
};

export type SseComment = { kind: "comment"; text: string };

export type SseItem = SseMessage | SseComment;

const LINE_END = /\r\n|\r|\n/g;

export class SseParser {
  private buffer = "";
  /** The previous chunk ended in CR: an LF opening the next one ends no further line. */
  private afterCr = false;
  private started = false;
  private data: string[] = [];
  private eventType = "";
  private retry: number | undefined;
  private idBuffer = "";
  /** The id of the last dispatched block, as a reconnecting client sends it in `Last-Event-ID`. */
  lastEventId = "";

  constructor(lastEventId = "") {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  push(chunk: string): SseItem[] {
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.afterCr && text.startsWith("\n")) text = text.slice(1);
    if (text.length > 0) this.afterCr = false;
    this.buffer += text;

    const out: SseItem[] = [];
    let start = 0;
    LINE_END.lastIndex = 0;
    for (let m = LINE_END.exec(this.buffer); m; m = LINE_END.exec(this.buffer)) {
      // A CR at the very end may be the first half of a CRLF whose LF is in the next chunk.
      if (m[0] === "\r" && m.index === this.buffer.length - 1) this.afterCr = true;
      this.line(this.buffer.slice(start, m.index), out);
      start = m.index + m[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** Like push, for a reader that has no use for comments (keepalives). */
  events(chunk: string): SseMessage[] {
    return this.push(chunk).filter((item): item is SseMessage => item.kind === "event");
  }

  /** The stream ended: a block without its blank line is dropped, as the standard says. */
  end(): void {
    this.buffer = "";
    this.afterCr = false;
    this.resetBlock();
  }

  private resetBlock(): void {
    this.data = [];
    this.eventType = "";
    this.retry = undefined;
  }

  private line(line: string, out: SseItem[]): void {
    if (line === "") {
      this.lastEventId = this.idBuffer;
      if (this.data.length > 0 || this.eventType !== "") {
        const msg: SseMessage = {
          kind: "event",
          event: this.eventType || "message",
          data: this.data.join("\n"),
          id: this.lastEventId,
        };
        if (this.retry !== undefined) msg.retry = this.retry;
        out.push(msg);
      }
      this.resetBlock();
      return;
    }
    if (line.startsWith(":")) {
      out.push({ kind: "comment", text: line.slice(1).replace(/^ /, "") });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data.push(value);
        break;
      case "id":
        if (!value.includes("\u0000")) this.idBuffer = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break;
    }
  }
}
