/**
 * How the reader writes and reads times: one 24-hour format for rows, the histogram's axis and bars, tooltips,
 * the context bar, the details and the range inputs, in the zone the reader chose (the browser's own or UTC).
 * Pure: every function takes the IANA zone it works in, so a test can fix it, and the runtime's zone never
 * leaks in. Month names are English and fixed, like the rest of the reader, whatever the browser's locale.
 */
import { parseTimeParam } from "@/lib/query/time-range";
import { wallClockFormatter } from "@/lib/records/parse-time";

/** The reader's choice (`tz` in the URL): the browser's zone, or UTC. */
export type TimeZoneChoice = "local" | "utc";

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Wall-clock fields of a moment in a zone; `month` 1-12. */
export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
};

export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of wallClockFormatter(timeZone).formatToParts(ms)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    // Some engines write midnight as 24 even in h23.
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
    ms: ((ms % S) + S) % S,
  };
}

/** The wall clock read as if it were UTC: moments in the zone's own day arithmetic. */
function wallMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
}

/** The zone's offset from UTC at a moment, in ms (east positive). */
export function offsetMs(ms: number, timeZone: string): number {
  return wallMs(ms, timeZone) - ms;
}

/**
 * The moment a wall-clock time (read as UTC ms) names in a zone. A time skipped by a DST change moves forward
 * by the change; a time that happens twice is its first.
 */
export function fromWallMs(wall: number, timeZone: string): number {
  const first = wall - offsetMs(wall, timeZone);
  const second = wall - offsetMs(first, timeZone);
  if (first === second) return first;
  const earlier = Math.min(first, second);
  return wallMs(earlier, timeZone) === wall ? earlier : Math.max(first, second);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `YYYY-MM-DD` of a moment in a zone. */
export function dayKey(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Whether two moments fall on different calendar days in a zone. */
export function spansDays(fromMs: number, toMs: number, timeZone: string): boolean {
  return dayKey(fromMs, timeZone) !== dayKey(toMs, timeZone);
}

/**
 * Whether a range as the URL writes it (`now-7d`, an ISO time, epoch ms; no `from` for everything kept, no `to`
 * for now) covers more than one calendar day in the zone: then rows need their date to be told apart.
 */
export function rangeSpansDays(from: string, to: string, nowMs: number, timeZone: string): boolean {
  const start = from ? parseTimeParam(from, nowMs) : null;
  if (start === null) return true;
  return spansDays(start, parseTimeParam(to || "now", nowMs) ?? nowMs, timeZone);
}

/** How the times of a list of rows are shown: in which zone, and whether with their dates. */
export type RowTimes = { timeZone: string; dates: boolean };

function clock(w: WallClock): string {
  return `${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** A row's time: `14:05:09.123`, or `12-03 14:05:09.123` when the lines shown span more than one day. */
export function rowTime(ms: number, timeZone: string, withDate: boolean): string {
  const w = wallClock(ms, timeZone);
  const time = `${clock(w)}.${pad(w.ms, 3)}`;
  return withDate ? `${pad(w.month)}-${pad(w.day)} ${time}` : time;
}

/** `UTC`, or the offset from it: `UTC-05:00`, `UTC+05:30`. */
export function zoneLabel(ms: number, timeZone: string): string {
  const off = Math.round(offsetMs(ms, timeZone) / M);
  if (timeZone === "UTC" || off === 0) return "UTC";
  const abs = Math.abs(off);
  return `UTC${off < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A moment in full, for tooltips, the context bar and the details: `2026-12-03 14:05:09.123 UTC-05:00`. */
export function fullTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${clock(w)}.${pad(w.ms, 3)} ${zoneLabel(ms, timeZone)}`;
}

/** `Dec 3`. */
export function shortDay(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${MONTHS[w.month - 1]} ${w.day}`;
}

/** What a range input shows: `2026-12-03 14:05:09`, with milliseconds only when there are some. */
export function inputTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  const base = `${w.year}-${pad(w.month)}-${pad(w.day)} ${clock(w)}`;
  return w.ms ? `${base}.${pad(w.ms, 3)}` : base;
}

const INPUT = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?\s*$/;

/**
 * A range input's text read in a zone: `YYYY-MM-DD`, with `HH:mm`, `HH:mm:ss` or `HH:mm:ss.SSS` after a space
 * or a `T` (what a datetime-local input wrote). Null when it is not a time.
 */
export function parseInputTime(text: string, timeZone: string): number | null {
  const m = INPUT.exec(text);
  if (!m) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((v) => Number(v ?? 0));
  const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 02-30 over into March: a day the month does not have is not a time.
  if (new Date(wall).getUTCDate() !== day) return null;
  return fromWallMs(wall, timeZone);
}

/** A histogram bar's width in words: `3-hour`, `1-minute`, `10-second`, `250-millisecond`. */
export function barSize(bucketMs: number): string {
  const units: [number, string][] = [
    [D, "day"],
    [H, "hour"],
    [M, "minute"],
    [S, "second"],
  ];
  for (const [unit, name] of units) {
    if (bucketMs >= unit && bucketMs % unit === 0) return `${bucketMs / unit}-${name}`;
  }
  return `${bucketMs}-millisecond`;
}

/** The span one histogram bar counts, for its tooltip: `Dec 3 14:00–17:00`, `Dec 3 14:05:10–14:05:20`, `Dec 3`. */
export function barSpan(startMs: number, bucketMs: number, timeZone: string): string {
  const day = shortDay(startMs, timeZone);
  const end = startMs + bucketMs;
  if (bucketMs >= D) return bucketMs === D ? day : `${day}–${shortDay(end - 1, timeZone)}`;
  const at = (ms: number) => {
    const w = wallClock(ms, timeZone);
    return bucketMs < M ? clock(w) : `${pad(w.hour)}:${pad(w.minute)}`;
  };
  return `${day} ${at(startMs)}–${at(end)}`;
}

/** A label on the histogram's time axis: the time of day, and the day where it changes (or alone, by days). */
export type AxisTick = { ms: number; time: string; day: string | null };

const STEPS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
];
const LONG_STEPS = [6 * H, 12 * H, D, 2 * D, 7 * D, 14 * D, 28 * D];

/**
 * Ticks for a time axis over [minMs, maxMs]: at most `maxTicks`, a whole step apart on the zone's wall clock
 * (14:00, 15:00; midnight for days), so `3-hour` ticks in UTC-05:00 fall on 00:00, 03:00… there, not in UTC.
 * The first tick and every tick on a new day carry the day; day-sized steps show the day alone.
 */
export function axisTicks(minMs: number, maxMs: number, timeZone: string, maxTicks: number): AxisTick[] {
  if (!(maxMs > minMs) || maxTicks < 1) return [];
  const span = maxMs - minMs;
  const step =
    [...STEPS, ...LONG_STEPS].find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / D) * D;
  const lo = wallMs(minMs, timeZone);
  const hi = wallMs(maxMs, timeZone);
  // Wall-clock ms count from 1970-01-01 00:00 on that clock, so multiples of a step that divides a day are
  // whole hours and minutes; steps of days count from there too.
  const ticks: AxisTick[] = [];
  let lastDay = "";
  for (let wall = Math.ceil(lo / step) * step; wall <= hi; wall += step) {
    const ms = fromWallMs(wall, timeZone);
    if (ms < minMs || ms > maxMs || ticks.some((t) => t.ms === ms)) continue;
    const w = wallClock(ms, timeZone);
    const key = `${w.year}-${w.month}-${w.day}`;
    const time = step >= D ? "" : step < M ? clock(w) : `${pad(w.hour)}:${pad(w.minute)}`;
    ticks.push({ ms, time, day: step >= D || key !== lastDay ? shortDay(ms, timeZone) : null });
    lastDay = key;
  }
  return ticks;
}

/** The zone a choice names: UTC, or the one the runtime (the browser) runs in. */
export function zoneOf(choice: TimeZoneChoice, localZone: string): string {
  return choice === "utc" ? "UTC" : localZone;
}
