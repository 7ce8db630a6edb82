/**
 * Record times to epoch milliseconds.
 *
 * The logcollect rule: Python's logcollect writes `@timestamp` as the sender's local wall-clock time followed by a
 * `Z` that does not mean UTC. The collector reads it as wall-clock time in the zone it is told the senders use
 * (`LOGCOLLECT_TIMEZONE`, an IANA name, default UTC), ignoring the `Z`. Other formats' zones are taken as written.
 */

const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?/;

/**
 * The time itself if a JavaScript Date can hold it (within 8.64e15 ms of the epoch), else null: beyond that a
 * "time" cannot even be written down as a date, and every later step that formats it would throw.
 */
export function dateMs(ms: number): number | null {
  return Math.abs(ms) <= 8.64e15 ? ms : null;
}

/**
 * Numbers: seconds, milliseconds, micro- or nanoseconds since the epoch, told apart by magnitude. A number that
 * is no date at all (1e25) is unreadable like garbage text, rather than a time too far ahead to name.
 */
export function epochNumberToMs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  let ms: number;
  if (n < 1e11) ms = Math.round(n * 1000);
  else if (n < 1e14) ms = Math.round(n);
  else if (n < 1e17) ms = Math.round(n / 1e3);
  else ms = Math.round(n / 1e6);
  return dateMs(ms);
}

export function parseTime(raw: unknown): number | null {
  if (typeof raw === "number") return epochNumberToMs(raw);
  if (typeof raw !== "string" || raw.length > 64) return null;
  const s = raw.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return epochNumberToMs(Number(s));
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

const offsetCache = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC, in ms, at the given UTC instant. */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let fmt = offsetCache.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetCache.set(timeZone, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(utcMs)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Wall-clock `YYYY-MM-DDTHH:MM:SS[.fff]` (anything after is ignored) in `timeZone`, to epoch ms. */
export function parseWallClock(raw: unknown, timeZone: string): number | null {
  if (typeof raw !== "string") return null;
  const m = ISO_LOCAL.exec(raw.trim());
  if (!m) return null;
  // Integer arithmetic: 0.291 * 1000 is not 291 in floating point.
  const frac = m[7] ? Number(m[7].padEnd(3, "0").slice(0, 3)) : 0;
  const wall =
    Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + frac;
  if (Number.isNaN(wall)) return null;
  if (timeZone === "UTC") return wall;
  // Two passes settle the offset across a DST change.
  const first = wall - zoneOffsetMs(timeZone, wall);
  return wall - zoneOffsetMs(timeZone, first);
}
