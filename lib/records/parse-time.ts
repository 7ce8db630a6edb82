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
 * The millisecond is the one the instant falls in (never rounded up into the next), so that the part below it
 * (subMillisecondNanos) orders lines within it.
 */
export function epochNumberToMs(n: number): number | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  if (n >= 1e17) return dateMs(Math.floor(n / 1e6));
  // Seconds and milliseconds as doubles carry about a microsecond at today's dates: round to that first, so
  // that 1795000000.123 (a double just below .123) is millisecond 123.
  const micros = n < 1e11 ? Math.round(n * 1e6) : n < 1e14 ? Math.round(n * 1e3) : Math.round(n);
  return dateMs(Math.floor(micros / 1e3));
}

/** The part of an epoch number below its millisecond, in nanoseconds (0 … 999,999). */
function epochNumberNanos(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return 0;
  if (n >= 1e17) return Math.floor(n % 1e6);
  const micros = n < 1e11 ? Math.round(n * 1e6) : n < 1e14 ? Math.round(n * 1e3) : Math.round(n);
  return (micros % 1e3) * 1e3;
}

const FRACTION = /:\d{2}[.,](\d{4,9})/;

/**
 * How far past its millisecond a time is, in nanoseconds (0 … 999,999), as far as it was written: a fourth to
 * ninth fractional digit of a text time, or an epoch number in micro- or nanoseconds (an all-digit string of
 * nanoseconds exactly). 0 for a time with no more than milliseconds. It orders lines of one millisecond.
 */
export function subMillisecondNanos(raw: unknown): number {
  if (typeof raw === "number") return epochNumberNanos(raw);
  if (typeof raw !== "string" || raw.length > 64) return 0;
  const s = raw.trim();
  if (/^\d{18,19}$/.test(s)) return Number(BigInt(s) % 1_000_000n);
  if (/^\d+(\.\d+)?$/.test(s)) return epochNumberNanos(Number(s));
  const m = FRACTION.exec(s);
  return m ? Number(m[1]!.slice(3).padEnd(6, "0")) : 0;
}

export function parseTime(raw: unknown): number | null {
  if (typeof raw === "number") return epochNumberToMs(raw);
  if (typeof raw !== "string" || raw.length > 64) return null;
  const s = raw.trim();
  if (/^\d{18,19}$/.test(s)) return dateMs(Number(BigInt(s) / 1_000_000n));
  if (/^\d+(\.\d+)?$/.test(s)) return epochNumberToMs(Number(s));
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}

// Building a formatter costs far more than using one: each zone's is built once.
const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter of an instant into `timeZone`'s wall clock, parts in 24-hour numbers (year to second). */
export function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let fmt = clockFormatters.get(timeZone);
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
    clockFormatters.set(timeZone, fmt);
  }
  return fmt;
}

/** Offset of `timeZone` from UTC, in ms, at the given UTC instant. */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  const fmt = wallClockFormatter(timeZone);
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
