/**
 * The reader's row layout: time and level at fixed widths, then each display column as wide as its widest loaded
 * value (capped; longer ones are cut with their whole value in the title), then the message. Every row and the
 * header share one template, so the message starts at the same x on every row whatever the host or level.
 */
import type { LogRecord } from "@/lib/query/wire";

/** In `ch` of the list's monospace font. */
const MIN_CH = 4;
const MAX_CH = 28;

export function columnValue(r: LogRecord, name: string): string {
  if (name === "host") return r.host;
  if (name === "logger") return r.logger;
  const v = r.fields[name];
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Width of each display column in `ch`: its header or its widest value among `records`, within bounds. */
export function columnWidths(records: readonly LogRecord[], columns: readonly string[]): number[] {
  return columns.map((c) => {
    let widest = c.length;
    for (const r of records) widest = Math.max(widest, columnValue(r, c).length);
    return Math.min(MAX_CH, Math.max(MIN_CH, widest));
  });
}

/** The CSS grid template for rows and the header. */
export function rowTemplate(widths: readonly number[]): string {
  return ["var(--time-w)", "var(--level-w)", ...widths.map((w) => `${w}ch`), "minmax(0, 1fr)"].join(" ");
}
