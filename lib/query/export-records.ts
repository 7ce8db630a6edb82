/**
 * Downloads every match of a query as NDJSON, newest first like the grep API, or as plain log lines, oldest first
 * like a log file (and the CLI): keyset pages of 1000 streamed as they arrive, one page ahead of the client at
 * most, stopping at EXPORT_MAX_RECORDS or when the client goes away. A regular expression is tested on each page
 * the engine returns; the download then ends after EXPORT_MAX_SCANNED rows read, matching or not.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { compileMatch, selectRecordsSql, type Cursor, type Direction } from "@/lib/engine/sphinxql-dialect";
import { stripSgr } from "@/lib/records/terminal-escapes";
import { parseQuery } from "./parse-query";
import { compileRegexFilters } from "./regex-filter";
import type { ExportFormat, ExportParams } from "./reader-schema";
import { mergeFilters, toLogRecord } from "./search-records";
import type { LogRecord } from "./wire";
import { positionOf } from "./cursor";

export const EXPORT_PAGE_SIZE = 1000;
export const EXPORT_MAX_RECORDS = 1_000_000;
export const EXPORT_MAX_SCANNED = 5_000_000;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: "application/x-ndjson",
  text: "text/plain; charset=utf-8",
};

/** `<logger>-<yyyymmdd-hhmmss>.<ndjson|log>`, in UTC. */
export function exportFilename(index: string, format: ExportFormat, nowMs: number): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/\.\d{3}Z$/, "")
    .replace(/-|:/g, "")
    .replace("T", "-");
  return `${index}-${stamp}.${format === "ndjson" ? "ndjson" : "log"}`;
}

/**
 * One line, newline included: the record without highlights, its message as stored; or
 * `<time> <host> <logger> <LEVEL> <message>`, the message without its colour sequences.
 */
export function exportLine(r: LogRecord, format: ExportFormat): string {
  if (format === "ndjson") {
    const { id, ts, seq, time, message, level, logger, host, fields } = r;
    return `${JSON.stringify({ id, ts, seq, time, message, level, logger, host, fields })}\n`;
  }
  const or = (s: string) => (s === "" ? "-" : s);
  return `${r.time} ${or(r.host)} ${or(r.logger)} ${or(r.level.toUpperCase())} ${stripSgr(r.message)}\n`;
}

/**
 * Runs the first page before returning, so that a query the engine refuses is still an error response rather
 * than a broken download; the rest is fetched as the client reads.
 */
export async function exportRecords(
  engine: Engine,
  index: string,
  params: ExportParams,
  signal: AbortSignal,
  { pageSize = EXPORT_PAGE_SIZE, maxRecords = EXPORT_MAX_RECORDS } = {},
): Promise<ReadableStream<Uint8Array>> {
  const parsed = parseQuery(params.q);
  const base = {
    tables: [index],
    match: compileMatch(parsed.terms, parsed.text),
    filters: mergeFilters(parsed.filters, params.filter),
    conditions: parsed.conditions,
    fromMs: params.from,
    toMs: params.to,
    limit: pageSize,
    highlight: null,
  };
  const direction: Direction = params.format === "text" ? "newer" : "older";
  const regex = compileRegexFilters(parsed.regexes);
  let scanned = 0;
  /** The next page's matches, and where the page after it starts (null: this page was the last). */
  const page = async (from?: Cursor): Promise<{ kept: LogRecord[]; after: Cursor | null }> => {
    let at = from;
    for (;;) {
      const read = (
        await engine.query(selectRecordsSql({ ...base, direction, cursor: at && { at, direction } }))
      ).map(toLogRecord);
      scanned += read.length;
      const last = read[read.length - 1];
      const after =
        read.length < pageSize || scanned >= EXPORT_MAX_SCANNED || !last ? null : positionOf(last);
      const kept = regex ? read.filter(regex) : read;
      // A page of no matches is read past here: an empty chunk would wake the client for nothing.
      if (kept.length > 0 || after === null) return { kept, after };
      at = after;
    }
  };

  let next: { kept: LogRecord[]; after: Cursor | null } | null = await page();
  let sent = 0;
  let cancelled = false;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next === null || next.kept.length === 0 || cancelled || signal.aborted) {
          controller.close();
          return;
        }
        const records: LogRecord[] = next.kept.slice(0, maxRecords - sent);
        controller.enqueue(encoder.encode(records.map((r) => exportLine(r, params.format)).join("")));
        sent += records.length;
        try {
          next = next.after === null || sent >= maxRecords ? null : await page(next.after);
        } catch (err) {
          // Headers are gone: all that is left is to cut the download short, so the client sees it incomplete.
          console.error(`export of ${index} stopped after ${sent} records: ${(err as Error).message}`);
          controller.error(new Error("export failed"));
        }
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 1 },
  );
}
