/**
 * One log line to the parts of a record: message, time, level and fields. Formats: JSON lines, Apache/Nginx
 * common and combined log format, W3C extended (IIS), RFC 3164 and RFC 5424 syslog, and plain text with a
 * leading timestamp and level word. `auto` picks per line, in that order of specificity; a fixed format that a
 * line does not fit falls back to plain text, so a malformed line is kept, never dropped.
 *
 * A parser is stateful for one file: W3C `#Fields:` directives define the columns of the lines after them. That
 * state is small and is persisted with the file's offset (`snapshot()`), so a restart mid-file still knows them.
 */
import { parseTime } from "@/lib/records/parse-time";
import { messageKeyOf, TIME_KEYS } from "@/lib/records/record-keys";
import { stripSgr } from "@/lib/records/terminal-escapes";
import { detectLevel, parseLeadingTimestamp, syslogTime } from "./leading-timestamp";
import { FACILITIES } from "@/lib/syslog/syslog-message";

export const LINE_FORMATS = ["auto", "json", "clf", "w3c", "syslog", "plain"] as const;
export type LineFormat = (typeof LINE_FORMATS)[number];

export type ParsedLine = {
  format: Exclude<LineFormat, "auto">;
  message: string;
  /** Epoch ms read from the line; null when it has none (the read time stands in). */
  time: number | null;
  /** The line opens with a timestamp (after a syslog priority): what multi-line joining keys on. */
  leadingTimestamp: boolean;
  level?: string;
  fields: Record<string, unknown>;
};

export type ParserState = { w3cFields?: string[] };

export type LineParser = {
  /** A record's parts, or null for a line that is not a record (a W3C `#` directive). */
  parse(line: string, nowMs: number): ParsedLine | null;
  snapshot(): ParserState;
};

export function parseJsonLine(line: string): ParsedLine | null {
  if (!line.startsWith("{")) return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
  const fields = v as Record<string, unknown>;
  const messageKey = messageKeyOf(fields);
  let time: number | null = null;
  for (const k of TIME_KEYS) {
    time = parseTime(fields[k]);
    if (time !== null) break;
  }
  return {
    format: "json",
    message: messageKey ? (fields[messageKey] as string) : line,
    time,
    leadingTimestamp: false,
    fields,
  };
}

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const CLF = new RegExp(
  String.raw`^(\S+) (\S+) (\S+) (\[[^\]]+\]) ${QUOTED} (\d{3}) (\d+|-)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);

function unescapeClf(s: string): string {
  return s.replace(/\\(["\\])/g, "$1");
}

function statusLevel(status: number): string {
  return status >= 500 ? "error" : status >= 400 ? "warn" : "info";
}

/** Apache/Nginx common (`%h %l %u %t "%r" %>s %b`) and combined (plus `"%{Referer}i" "%{User-agent}i"`) format. */
export function parseClfLine(line: string, nowMs: number): ParsedLine | null {
  const m = CLF.exec(line);
  if (!m) return null;
  const ts = parseLeadingTimestamp(m[4]!, nowMs);
  if (!ts) return null;
  const status = Number(m[6]);
  const fields: Record<string, unknown> = { remote: m[1] };
  if (m[2] !== "-") fields.ident = m[2];
  if (m[3] !== "-") fields.user = m[3];
  const request = unescapeClf(m[5]!);
  const req = /^([A-Z]+) (\S+)(?: (HTTP\/[\d.]+))?$/.exec(request);
  if (req) {
    fields.method = req[1];
    fields.path = req[2];
    if (req[3]) fields.protocol = req[3];
  } else if (request !== "-") {
    fields.request = request;
  }
  fields.status = status;
  if (m[7] !== "-") fields.bytes = Number(m[7]);
  if (m[8] !== undefined && m[8] !== "-") fields.referer = unescapeClf(m[8]);
  if (m[9] !== undefined && m[9] !== "-") fields.agent = unescapeClf(m[9]);
  if (m[10]!.trim() !== "") fields.extra = m[10]!.trim();
  return {
    format: "clf",
    message: line,
    time: ts.ms,
    leadingTimestamp: false,
    level: statusLevel(status),
    fields,
  };
}

const W3C_DIRECTIVE = /^#(Version|Fields|Software|Date|Remark|Start-Date|End-Date):/;
const W3C_NUMERIC = new Set([
  "sc_status",
  "sc_substatus",
  "sc_win32_status",
  "sc_bytes",
  "cs_bytes",
  "time_taken",
  "s_port",
]);

/** `cs(User-Agent)` → `cs_user_agent`: names a query can address. */
export function w3cFieldName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Space-separated values; a value may be a quoted string with `""` for a quote. */
function splitW3c(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"]|"")*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
  return out;
}

/** A W3C data line under `columns` (from the last `#Fields:` directive); null when the line does not fit them. */
export function parseW3cLine(line: string, columns: string[] | undefined): ParsedLine | null {
  if (!columns || line.startsWith("#")) return null;
  const values = splitW3c(line);
  if (values.length !== columns.length) return null;
  const fields: Record<string, unknown> = {};
  columns.forEach((name, i) => {
    const v = values[i]!;
    if (v === "-") return;
    fields[name] = W3C_NUMERIC.has(name) && /^\d{1,15}$/.test(v) ? Number(v) : v;
  });
  let time: number | null = null;
  // W3C times are UTC.
  if (typeof fields.date === "string" && typeof fields.time === "string") {
    const ms = Date.parse(`${fields.date}T${fields.time}Z`);
    if (!Number.isNaN(ms)) {
      time = ms;
      delete fields.date;
      delete fields.time;
    }
  }
  const status = typeof fields.sc_status === "number" ? fields.sc_status : undefined;
  return {
    format: "w3c",
    message: line,
    time,
    leadingTimestamp: time !== null && (columns[0] === "date" || columns[0] === "time"),
    ...(status !== undefined ? { level: statusLevel(status) } : {}),
    fields,
  };
}

const SEVERITY = ["fatal", "fatal", "fatal", "error", "warn", "notice", "info", "debug"] as const;

const RFC5424 =
  /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[(?:[^\]"\\]|\\.|"(?:[^"\\]|\\.)*")*\])+)(?: (.*))?$/s;
const RFC3164_STAMP = String.raw`(?:(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})))`;
const RFC3164 = new RegExp(
  String.raw`^(?:<(\d{1,3})>)?${RFC3164_STAMP} (\S+) ([^\s:\[]{1,64})(?:\[([^\]\s]{1,32})\])?: ?(.*)$`,
  "s",
);

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

function priorityFields(pri: string | undefined, fields: Record<string, unknown>): string | undefined {
  if (pri === undefined) return undefined;
  const n = Number(pri);
  if (n > 191) return undefined;
  fields.facility = FACILITIES[n >> 3];
  return SEVERITY[n & 7];
}

function nil(v: string): string | undefined {
  return v === "-" ? undefined : v;
}

function pid(v: string): number | string {
  return /^\d{1,10}$/.test(v) ? Number(v) : v;
}

/**
 * RFC 5424 (`<165>1 2026-11-21T13:45:01.003Z host app 1234 ID47 [sd] msg`) and RFC 3164 / the syslog file
 * format (`<34>Nov 21 13:45:01 host su[12]: msg`, the priority optional, or an RFC 3339 time as rsyslog writes
 * it on Debian 12). The message is the MSG part; the header becomes fields.
 */
export function parseSyslogLine(line: string, nowMs: number): ParsedLine | null {
  const m5 = RFC5424.exec(line);
  if (m5) {
    const fields: Record<string, unknown> = {};
    const level = priorityFields(m5[1], fields);
    if (level === undefined) return null;
    const time = m5[2] === "-" ? null : Date.parse(m5[2]!);
    if (time !== null && Number.isNaN(time)) return null;
    const host = nil(m5[3]!);
    const app = nil(m5[4]!);
    const proc = nil(m5[5]!);
    const msgid = nil(m5[6]!);
    if (host) fields.hostname = host;
    if (app) fields.appname = app;
    if (proc) fields.pid = pid(proc);
    if (msgid) fields.msgid = msgid;
    if (m5[7] !== "-") fields.structured_data = m5[7];
    return {
      format: "syslog",
      message: (m5[8] ?? "").replace(/^\uFEFF/, ""),
      time,
      leadingTimestamp: time !== null,
      level,
      fields,
    };
  }
  const m3 = RFC3164.exec(line);
  if (!m3) return null;
  // Without a priority, `2026-11-21T13:45:01Z ERROR app: boom` is plain text, not host "ERROR" and tag "app".
  if (m3[1] === undefined && (!HOSTNAME.test(m3[9]!) || detectLevel(m3[9]!) !== undefined)) return null;
  const fields: Record<string, unknown> = {};
  const priorityLevel = priorityFields(m3[1], fields);
  if (m3[1] !== undefined && priorityLevel === undefined) return null;
  const time = m3[8]
    ? Date.parse(m3[8])
    : syslogTime(m3[2]!, +m3[3]!, +m3[4]!, +m3[5]!, +m3[6]!, m3[7], nowMs);
  if (time === null || Number.isNaN(time)) return null;
  fields.hostname = m3[9];
  fields.appname = m3[10];
  if (m3[11] !== undefined) fields.pid = pid(m3[11]);
  const message = m3[12]!;
  const level = priorityLevel ?? detectLevel(stripSgr(message));
  return {
    format: "syslog",
    message,
    time,
    leadingTimestamp: true,
    ...(level ? { level } : {}),
    fields,
  };
}

/**
 * Any line: a leading timestamp if there is one, a level word near the start, both read from what a terminal
 * shows of the line (dev servers colour them: `ESC[31mERROR ESC[0m`); the message is the whole line as written.
 */
export function parsePlainLine(line: string, nowMs: number): ParsedLine {
  const shown = stripSgr(line);
  const ts = parseLeadingTimestamp(shown, nowMs);
  const level = detectLevel(ts ? shown.slice(ts.end) : shown);
  return {
    format: "plain",
    message: line,
    time: ts?.ms ?? null,
    leadingTimestamp: ts !== null,
    ...(level ? { level } : {}),
    fields: {},
  };
}

export function createLineParser(format: LineFormat, state: ParserState = {}): LineParser {
  let w3cFields = state.w3cFields;

  function directive(line: string): boolean {
    const m = W3C_DIRECTIVE.exec(line);
    if (!m) return false;
    if (m[1] === "Fields") w3cFields = line.slice(m[0].length).trim().split(/\s+/).map(w3cFieldName);
    return true;
  }

  function parseAuto(line: string, nowMs: number): ParsedLine | null {
    if (line.startsWith("{")) return parseJsonLine(line) ?? parsePlainLine(line, nowMs);
    if (line.startsWith("#")) return directive(line) ? null : parsePlainLine(line, nowMs);
    return (
      parseW3cLine(line, w3cFields) ??
      parseSyslogLine(line, nowMs) ??
      parseClfLine(line, nowMs) ??
      parsePlainLine(line, nowMs)
    );
  }

  return {
    parse(line, nowMs) {
      switch (format) {
        case "auto":
          return parseAuto(line, nowMs);
        case "json":
          return parseJsonLine(line) ?? parsePlainLine(line, nowMs);
        case "clf":
          return parseClfLine(line, nowMs) ?? parsePlainLine(line, nowMs);
        case "w3c":
          if (line.startsWith("#")) return directive(line) ? null : parsePlainLine(line, nowMs);
          return parseW3cLine(line, w3cFields) ?? parsePlainLine(line, nowMs);
        case "syslog":
          return parseSyslogLine(line, nowMs) ?? parsePlainLine(line, nowMs);
        case "plain":
          return parsePlainLine(line, nowMs);
      }
    },
    snapshot: () => (w3cFields ? { w3cFields } : {}),
  };
}
