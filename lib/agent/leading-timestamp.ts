/**
 * Finds the timestamp a log line opens with, and the level word that usually follows it. Formats recognised:
 * ISO 8601 / RFC 3339 (`2026-11-21T13:45:01.123Z`, also with a space for the `T` and Python logging's comma
 * before the milliseconds: `2026-11-21 13:45:01,123`), `2026/11/21 13:45:01` (nginx error log, Go), syslog
 * `Nov 21 13:45:01`, Apache access `[21/Nov/2026:13:45:01 +0000]` and Apache error `[Sat Nov 21 13:45:01.123 2026]`;
 * ISO and slash forms may sit in square brackets.
 *
 * A time written without a zone is read in the agent's local zone (TZ), as the process writing the file did.
 * Syslog times have no year: the current one, or last year's when that would put the line more than a day in the
 * future (a December line read in January).
 */
import { normalizeLevel } from "@/lib/records/levels";

export type LeadingTimestamp = { ms: number; end: number };

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MON = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";

const ISO =
  /^(\[)?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?(\])?/i;
const SLASH = /^(\[)?(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(\])?/;
const SYSLOG = new RegExp(`^${MON} {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(?![\\d:])`);
const APACHE_ACCESS = new RegExp(`^\\[(\\d{2})/${MON}/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2}) ([+-]\\d{4})\\]`);
const APACHE_ERROR = new RegExp(
  `^\\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MON} {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))? (\\d{4})\\]`,
);

type Parts = { y: number; mo: number; d: number; h: number; mi: number; s: number; frac?: string };

/** Milliseconds of a fraction of a second written with 1 to 9 digits, in integer arithmetic. */
function fracMs(frac: string | undefined): number {
  return frac ? Number(frac.padEnd(3, "0").slice(0, 3)) : 0;
}

function valid(p: Parts): boolean {
  return p.mo >= 1 && p.mo <= 12 && p.d >= 1 && p.d <= 31 && p.h <= 23 && p.mi <= 59 && p.s <= 60;
}

/** Offset of `Z`, `+01`, `+0100` or `+01:00`, in minutes. */
function zoneMinutes(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}

function toMs(p: Parts, zone: string | undefined): number | null {
  if (!valid(p)) return null;
  const ms = fracMs(p.frac);
  if (zone !== undefined)
    return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, ms) - zoneMinutes(zone) * 60_000;
  return new Date(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, ms).getTime();
}

const DAY_MS = 86_400_000;

export function parseLeadingTimestamp(line: string, nowMs: number): LeadingTimestamp | null {
  let m = ISO.exec(line);
  if (m && Boolean(m[1]) === Boolean(m[10])) {
    const ms = toMs(
      { y: +m[2]!, mo: +m[3]!, d: +m[4]!, h: +m[5]!, mi: +m[6]!, s: +(m[7] ?? 0), frac: m[8] },
      m[9],
    );
    return ms === null ? null : { ms, end: m[0].length };
  }
  m = SLASH.exec(line);
  if (m && Boolean(m[1]) === Boolean(m[9])) {
    const ms = toMs(
      { y: +m[2]!, mo: +m[3]!, d: +m[4]!, h: +m[5]!, mi: +m[6]!, s: +m[7]!, frac: m[8] },
      undefined,
    );
    return ms === null ? null : { ms, end: m[0].length };
  }
  m = SYSLOG.exec(line);
  if (m) {
    const ms = syslogTime(m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6], nowMs);
    return ms === null ? null : { ms, end: m[0].length };
  }
  m = APACHE_ACCESS.exec(line);
  if (m) {
    const p = { y: +m[3]!, mo: MONTHS[m[2]!.toLowerCase()]!, d: +m[1]!, h: +m[4]!, mi: +m[5]!, s: +m[6]! };
    const ms = toMs(p, m[7]);
    return ms === null ? null : { ms, end: m[0].length };
  }
  m = APACHE_ERROR.exec(line);
  if (m) {
    const p = {
      y: +m[7]!,
      mo: MONTHS[m[1]!.toLowerCase()]!,
      d: +m[2]!,
      h: +m[3]!,
      mi: +m[4]!,
      s: +m[5]!,
      frac: m[6],
    };
    const ms = toMs(p, undefined);
    return ms === null ? null : { ms, end: m[0].length };
  }
  return null;
}

/** A syslog `Mmm dd hh:mm:ss` time, local, in the year that does not put it more than a day ahead of now. */
export function syslogTime(
  mon: string,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: string | undefined,
  nowMs: number,
): number | null {
  const mo = MONTHS[mon.toLowerCase()];
  if (!mo) return null;
  const year = new Date(nowMs).getFullYear();
  const ms = toMs({ y: year, mo, d, h, mi, s, frac }, undefined);
  if (ms === null) return null;
  return ms > nowMs + DAY_MS ? toMs({ y: year - 1, mo, d, h, mi, s, frac }, undefined) : ms;
}

const LEVEL_TOKENS = 4;

/**
 * The level named near the start of `text`: one of the first few words, written in capitals (`ERROR`, `WARN`),
 * in brackets (`[error]`, `<warn>`), as `level=info`, or as the first word with a colon (`info: started`).
 * Lowercase words elsewhere are not taken: "error handling improved" is not an error.
 */
export function detectLevel(text: string): string | undefined {
  const tokens = text.slice(0, 200).split(/\s+/);
  let seen = 0;
  for (const raw of tokens) {
    if (seen >= LEVEL_TOKENS) break;
    const kv = /^level=["']?([A-Za-z]+)/i.exec(raw);
    const bracketed = /^[[<(]([A-Za-z]+)[\]>)]:?$/.exec(raw);
    const word = raw.replace(/^[[(<|:,-]+|[\])>|:,-]+$/g, "");
    if (word === "") continue;
    seen++;
    let candidate: string | undefined;
    if (kv) candidate = kv[1];
    else if (bracketed) candidate = bracketed[1];
    else if (/^[A-Z]+$/.test(word)) candidate = word;
    else if (seen === 1 && /^[a-z]+:$/.test(raw)) candidate = word;
    if (!candidate) continue;
    const { level, lvl } = normalizeLevel(candidate);
    if (lvl > 0) return level;
  }
  return undefined;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
