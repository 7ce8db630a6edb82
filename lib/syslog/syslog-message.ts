/**
 * Syslog messages as senders write them: RFC 5424 (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`) and
 * the older BSD format of RFC 3164 (`<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`), which is a description of
 * practice more than a grammar: its parts are taken when they are there, and what is left is the message, as
 * RFC 3164 section 4.3 asks of a receiver. Only a bad PRI or a broken RFC 5424 header make a message malformed.
 *
 * Each message becomes the record JSON the collector takes (lib/records/normalize-record.ts): severity as the
 * level (the collector knows the syslog keywords), hostname as host, APP-NAME or TAG as logger, the timestamp as
 * time, and the facility, PROCID, MSGID and structured data as fields. Pure, so that every rule has a unit test.
 */
import { parseWallClock } from "@/lib/records/parse-time";

export const FACILITIES = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "authpriv",
  "ftp",
  "ntp",
  "security",
  "console",
  "solaris-cron",
  "local0",
  "local1",
  "local2",
  "local3",
  "local4",
  "local5",
  "local6",
  "local7",
] as const;

export const SEVERITIES = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"] as const;

export type SyslogMessage = {
  format: "rfc5424" | "rfc3164";
  facility: (typeof FACILITIES)[number];
  severity: (typeof SEVERITIES)[number];
  /** Epoch ms (RFC 3164), or the RFC 3339 text as sent (RFC 5424, with its fraction); undefined when nil. */
  time?: number | string;
  hostname?: string;
  /** APP-NAME, or the TAG of RFC 3164. */
  appName?: string;
  procId?: string;
  msgId?: string;
  /** SD-ID → its parameters; a name given more than once keeps every value, in order. */
  structuredData?: Record<string, Record<string, string | string[]>>;
  message: string;
};

export type ParseResult = { ok: true; message: SyslogMessage } | { ok: false; reason: string };

export type ParseOptions = {
  /** The wall clock RFC 3164 timestamps are read in: they carry no zone, and no year. */
  timeZone: string;
  /** Now, in epoch ms: the year of an RFC 3164 timestamp is the one that puts it nearest before now. */
  now: number;
};

const PRI = /^<(\d{1,3})>/;
const NIL = "-";
/** RFC 5424 section 6.2.3, with its fraction of up to six digits; offsets as RFC 3339 writes them. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const BSD_TIME = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) /;
/** Senders (rsyslog's high-precision forwarding among them) put an RFC 3339 time where RFC 3164 has its own. */
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?) /;
/** A TAG: up to 32 characters of a program name, then `[pid]` and the colon, or the colon alone. */
const TAG = /^([^\s[\]:]{1,48})(?:\[([^\]\s]{1,128})\])?: ?/;
const UTF8_BOM = "\uFEFF";

export function parseSyslog(text: string, opts: ParseOptions): ParseResult {
  const pri = PRI.exec(text);
  let facility = 1;
  let severity = 5;
  let rest = text;
  if (pri) {
    const value = Number(pri[1]);
    if (value > 191 || (pri[1]!.length > 1 && pri[1]!.startsWith("0")))
      return { ok: false, reason: `PRI <${pri[1]}> is not a priority (0 to 191, no leading zeros)` };
    facility = value >> 3;
    severity = value & 7;
    rest = text.slice(pri[0].length);
  } else if (text.startsWith("<")) {
    return { ok: false, reason: "PRI: expected <digits> at the start" };
  }
  // Without a PRI, RFC 3164 section 4.3.3 has the relay take the whole packet as the message of user.notice.
  const head = { facility: FACILITIES[facility]!, severity: SEVERITIES[severity]! };
  if (pri && /^[1-9]\d{0,2} /.test(rest)) return parse5424(rest, head);
  return { ok: true, message: { format: "rfc3164", ...head, ...parse3164(rest, opts) } };
}

type Head = Pick<SyslogMessage, "facility" | "severity">;

function parse5424(text: string, head: Head): ParseResult {
  const fields: string[] = [];
  let at = 0;
  // VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each ended by one space.
  for (let i = 0; i < 6; i++) {
    const end = text.indexOf(" ", at);
    if (end === -1) return { ok: false, reason: "RFC 5424 header: fewer than seven space-separated fields" };
    fields.push(text.slice(at, end));
    at = end + 1;
  }
  const [version, timestamp, hostname, appName, procId, msgId] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (version !== "1") return { ok: false, reason: `RFC 5424 VERSION ${version} is not 1` };
  if (timestamp !== NIL && !RFC3339.test(timestamp))
    return {
      ok: false,
      reason: `RFC 5424 TIMESTAMP ${JSON.stringify(timestamp.slice(0, 40))} is not RFC 3339`,
    };
  const limits: [string, string, number][] = [
    ["HOSTNAME", hostname, 255],
    ["APP-NAME", appName, 48],
    ["PROCID", procId, 128],
    ["MSGID", msgId, 32],
  ];
  for (const [name, value, max] of limits)
    if (value === "" || value.length > max || /[^\x21-\x7e]/.test(value))
      return { ok: false, reason: `RFC 5424 ${name}: expected 1 to ${max} printable ASCII characters or -` };
  const sd = parseStructuredData(text, at);
  if (!sd.ok) return sd;
  let message = text.slice(sd.end);
  if (message.startsWith(" ")) message = message.slice(1);
  else if (message !== "") return { ok: false, reason: "RFC 5424: expected a space after STRUCTURED-DATA" };
  if (message.startsWith(UTF8_BOM)) message = message.slice(1);
  const nil = (v: string) => (v === NIL ? undefined : v);
  return {
    ok: true,
    message: {
      format: "rfc5424",
      ...head,
      time: nil(timestamp),
      hostname: nil(hostname),
      appName: nil(appName),
      procId: nil(procId),
      msgId: nil(msgId),
      ...(sd.value ? { structuredData: sd.value } : {}),
      message,
    },
  };
}

type SdResult =
  { ok: true; value?: SyslogMessage["structuredData"]; end: number } | { ok: false; reason: string };

/** RFC 5424 section 6.3: `-`, or `[SD-ID name="value" …]` elements, values escaping `"`, `\` and `]`. */
function parseStructuredData(text: string, start: number): SdResult {
  if (text[start] === "-") return { ok: true, end: start + 1 };
  if (text[start] !== "[") return { ok: false, reason: "RFC 5424 STRUCTURED-DATA: expected - or [" };
  const value: NonNullable<SyslogMessage["structuredData"]> = {};
  let i = start;
  const bad = (what: string): SdResult => ({ ok: false, reason: `RFC 5424 STRUCTURED-DATA: ${what}` });
  const name = () => {
    const from = i;
    while (i < text.length && /[\x21-\x7e]/.test(text[i]!) && !'= ]"'.includes(text[i]!)) i++;
    return text.slice(from, i);
  };
  while (text[i] === "[") {
    i++;
    const id = name();
    if (id === "" || id.length > 32) return bad("an SD-ID of 1 to 32 characters");
    const params: Record<string, string | string[]> = Object.create(null) as Record<
      string,
      string | string[]
    >;
    while (text[i] === " ") {
      i++;
      const key = name();
      if (key === "" || key.length > 32) return bad(`a PARAM-NAME of 1 to 32 characters in [${id}]`);
      if (text[i] !== "=" || text[i + 1] !== '"') return bad(`expected ="value" after ${key} in [${id}]`);
      i += 2;
      let v = "";
      for (;;) {
        const c = text[i];
        if (c === undefined) return bad(`unterminated value of ${key} in [${id}]`);
        if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\" || text[i + 1] === "]")) {
          v += text[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          v += c;
          i++;
        }
      }
      const had = params[key];
      params[key] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
    }
    if (text[i] !== "]") return bad(`expected ] to close [${id}]`);
    i++;
    // An SD-ID may appear only once (section 6.3.2); a repeat is kept as a field of its own rather than merged.
    value[id in value ? `${id}#${Object.keys(value).length}` : id] = { ...params };
  }
  return { ok: true, value, end: i };
}

function parse3164(text: string, opts: ParseOptions): Omit<SyslogMessage, "format" | keyof Head> {
  let rest = text;
  let time: number | undefined;
  const bsd = BSD_TIME.exec(rest);
  const iso = bsd ? null : ISO_TIME.exec(rest);
  if (bsd) {
    time = bsdTime(bsd, opts);
    rest = rest.slice(bsd[0].length);
  } else if (iso) {
    const ms = Date.parse(iso[1]!);
    if (!Number.isNaN(ms)) {
      time = ms;
      rest = rest.slice(iso[0].length);
    }
  }
  let hostname: string | undefined;
  // A HOSTNAME follows a timestamp; a first word that is already a TAG (`sshd[12]:`, `cron:`) means it was left out.
  if (time !== undefined) {
    const word = /^(\S+) /.exec(rest);
    if (word && !/[[:]/.test(word[1]!)) {
      hostname = word[1];
      rest = rest.slice(word[0].length);
    }
  }
  const tag = TAG.exec(rest);
  let appName: string | undefined;
  let procId: string | undefined;
  if (tag) {
    appName = tag[1];
    procId = tag[2];
    rest = rest.slice(tag[0].length);
  }
  return { time, hostname, appName, procId, message: rest };
}

/** `Mmm dd hh:mm:ss` in `opts.timeZone`, in the year that puts it no more than a day after now. */
function bsdTime(m: RegExpExecArray, opts: ParseOptions): number | undefined {
  const month = MONTHS.indexOf(m[1]!) + 1;
  const day = Number(m[2]!.trim());
  const year = new Date(opts.now).getUTCFullYear();
  const at = (y: number) =>
    parseWallClock(
      `${y}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T${m[3]}:${m[4]}:${m[5]}`,
      opts.timeZone,
    );
  const thisYear = at(year);
  if (thisYear === null) return undefined;
  // December's lines read in January belong to the year before.
  return thisYear > opts.now + 86_400_000 ? (at(year - 1) ?? undefined) : thisYear;
}

/**
 * The record the collector stores: the message, its level, host, logger and time where the collector lifts
 * them from, the rest as fields. `peer` (the sender's address) is the host of a message that names none.
 */
export function syslogRecord(m: SyslogMessage, peer?: string): Record<string, unknown> {
  const record: Record<string, unknown> = {
    message: m.message,
    level: m.severity,
    severity: m.severity,
    facility: m.facility,
  };
  const host = m.hostname ?? peer;
  if (host) record.host = host;
  if (m.appName) record.logger = m.appName;
  if (m.time !== undefined) record.time = m.time;
  if (m.procId) record.procid = m.procId;
  if (m.msgId) record.msgid = m.msgId;
  if (m.structuredData && Object.keys(m.structuredData).length) record.sd = m.structuredData;
  return record;
}
