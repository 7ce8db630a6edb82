/**
 * Records as lines of a log file: `<local time> <LEVEL> <host> <logger>: <message>`, the level colored when the
 * output is a terminal. Log text is printed as it is: a multi-line message stays multi-line, and its own colours
 * (SGR sequences, the only escapes the collector keeps) are shown on a terminal and left out otherwise.
 */
import type { LogRecord } from "@/lib/query/wire";
import { stripSgr } from "@/lib/records/terminal-escapes";

const RESET = "\u001b[0m";
const LEVEL_COLORS: Record<string, string> = {
  fatal: "\u001b[1;31m",
  error: "\u001b[31m",
  warn: "\u001b[33m",
  notice: "\u001b[36m",
  info: "\u001b[32m",
  debug: "\u001b[34m",
  trace: "\u001b[90m",
};
const DIM = "\u001b[2m";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `2026-11-21 13:45:01.123` in the local time zone (TZ). */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

export function paint(text: string, code: string | undefined, color: boolean): string {
  return color && code ? `${code}${text}${RESET}` : text;
}

/** On a terminal a colour left on at the message's end is reset, so that it does not run into the next line. */
function messageText(message: string, color: boolean): string {
  if (!color) return stripSgr(message);
  return message.includes("\u001b") ? `${message}${RESET}` : message;
}

export function formatRecord(
  r: Pick<LogRecord, "ts" | "level" | "host" | "logger" | "message">,
  opts: { color: boolean },
): string {
  const level = (r.level || "-").toUpperCase().padEnd(5);
  return (
    `${paint(localTime(r.ts), DIM, opts.color)} ${paint(level, LEVEL_COLORS[r.level], opts.color)} ` +
    `${r.host || "-"} ${r.logger || "-"}: ${messageText(r.message, opts.color)}`
  );
}
