/**
 * Joins multi-line records (stack traces) into one message. A line continues the record before it when it is
 * indented (`  File "x.py"`, `\tat com.example...`), opens like a known continuation (`Traceback`, `Caused by:`,
 * `... 12 more`, Python's chained-exception sentences), or lacks a leading timestamp while the record's first
 * line has one (`ValueError: bad`, `java.lang.IllegalStateException: boom`) and is no JSON object. Blank lines inside a timestamped
 * record are kept; elsewhere they belong to no record.
 *
 * Only plain-text and syslog records take continuations; JSON, access-log and W3C lines are one record each and
 * are not held. A held record goes out when the next record starts, when it reaches `maxLines` or `maxBytes`
 * (memory stays bounded), or after `idleMs` without a new line, so the last record of a quiet file is not held
 * for ever. The trade: a continuation written more than `idleMs` after the line before it becomes its own record.
 */
import { stripSgr } from "@/lib/records/terminal-escapes";
import { parseLeadingTimestamp } from "./leading-timestamp";
import { parseJsonLine, type ParsedLine } from "./line-parsers";

export type PendingRecord = {
  head: ParsedLine;
  /** The head's message, then each continuation line as written. */
  parts: string[];
  /** Byte span in the file: first byte of the first line to just after the last line's newline. */
  start: number;
  end: number;
  bytes: number;
  /** When the first line was read. */
  readAt: number;
  lastLineAt: number;
};

export type MultilineOptions = { maxLines: number; maxBytes: number; idleMs: number };

const CONTINUATION =
  /^(?:Traceback \(most recent call last\):|Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted)|During handling of the above exception|The above exception was the direct cause)/;

/** Whether a line opens a new record by its look alone: a timestamp, a syslog priority, or a JSON object. */
function opensRecord(text: string, nowMs: number): boolean {
  return (
    /^<\d{1,3}>/.test(text) || parseLeadingTimestamp(text, nowMs) !== null || parseJsonLine(text) !== null
  );
}

export class MultilineJoiner {
  private pending: PendingRecord | null = null;

  constructor(private readonly opts: MultilineOptions) {}

  /** Whether records of this kind wait for continuation lines. */
  static holds(head: ParsedLine): boolean {
    return head.format === "plain" || head.format === "syslog";
  }

  get held(): PendingRecord | null {
    return this.pending;
  }

  /** Adds `text` to the held record if it continues it; false when it starts a record of its own. */
  tryAppend(text: string, end: number, nowMs: number): boolean {
    const p = this.pending;
    if (!p || p.parts.length >= this.opts.maxLines || p.bytes + text.length + 1 > this.opts.maxBytes)
      return false;
    const shown = stripSgr(text);
    const continues =
      /^\s/.test(shown) ||
      CONTINUATION.test(shown) ||
      (p.head.leadingTimestamp && !opensRecord(shown, nowMs));
    if (!continues) return false;
    p.parts.push(text);
    p.bytes += text.length + 1;
    p.end = end;
    p.lastLineAt = nowMs;
    return true;
  }

  /**
   * A blank line after the held record: kept in a timestamped record's message (Python separates chained
   * tracebacks with one), otherwise only spanned, so the record's offsets stay contiguous.
   */
  extendBlank(end: number, nowMs: number): boolean {
    const p = this.pending;
    if (!p) return false;
    if (p.head.leadingTimestamp && p.parts.length < this.opts.maxLines) p.parts.push("");
    p.end = end;
    p.lastLineAt = nowMs;
    return true;
  }

  hold(head: ParsedLine, start: number, end: number, nowMs: number): void {
    this.pending = {
      head,
      parts: [head.message],
      start,
      end,
      bytes: head.message.length,
      readAt: nowMs,
      lastLineAt: nowMs,
    };
  }

  /** The held record, if any, with its message joined; nothing is held afterwards. */
  take(): { record: PendingRecord; message: string } | null {
    const p = this.pending;
    if (!p) return null;
    this.pending = null;
    let n = p.parts.length;
    while (n > 1 && p.parts[n - 1] === "") n--;
    return { record: p, message: p.parts.slice(0, n).join("\n") };
  }

  idle(nowMs: number): boolean {
    return this.pending !== null && nowMs - this.pending.lastLineAt >= this.opts.idleMs;
  }
}
