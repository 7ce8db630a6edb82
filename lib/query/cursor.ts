/**
 * Keyset cursors: a position in (ts, seq, id) order, written `<ts>_<seq>_<id>` so that permalinks stay readable.
 * The API writes and reads them; the reader, the live tail and the CLI read and compare them with the same
 * functions. Cursors minted before `seq` existed (`<ts>_<id>`) still read: they point at records written before
 * it, whose seq is 0. Free of server imports: client components import it.
 */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";

export type { Cursor };

export function encodeCursor(c: Cursor): string {
  return `${c.ts}_${c.seq}_${c.id}`;
}

/** A record's own position. */
export function cursorOf(r: Cursor): string {
  return encodeCursor(r);
}

/** The position before every record of millisecond `ts` (ids are above 0). */
export function timeCursor(ts: number): string {
  return encodeCursor({ ts, seq: "0", id: "0" });
}

const KEY = "(0|[1-9]\\d{0,18})";
const CURSOR = new RegExp(`^(\\d{1,16})(?:_${KEY})?_${KEY}$`);
const LIMIT_63 = 1n << 63n;

export function decodeCursor(s: string): Cursor | null {
  const m = CURSOR.exec(s);
  if (!m) return null;
  const ts = Number(m[1]);
  const seq = m[2] ?? "0";
  const id = m[3]!;
  if (!Number.isSafeInteger(ts) || BigInt(seq) >= LIMIT_63 || BigInt(id) >= LIMIT_63) return null;
  return { ts, seq, id };
}

/**
 * A position just after record `c` and before every record of a later `seq` in its millisecond, so that reading
 * older from it starts with `c` itself: a permalink's line is the first one of its page.
 */
export function justAfter(c: Cursor): string {
  const seq = BigInt(c.seq) + 1n;
  return seq < LIMIT_63
    ? encodeCursor({ ts: c.ts, seq: seq.toString(), id: "0" })
    : encodeCursor({ ts: c.ts + 1, seq: "0", id: "0" });
}

/**
 * Whether `s` is written like a cursor. The reader passes such a URL value on to the API unchecked, so that one
 * out of range comes back as the API's error instead of being silently dropped.
 */
export function isCursorShaped(s: string): boolean {
  return /^\d+(_\d+)?_\d+$/.test(s);
}

/** Decimal strings below 2^63 without leading zeros compare by length, then as text. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when a comes before b (is older), positive when after, 0 for the same position. */
export function comparePositions(a: Cursor, b: Cursor): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return compareDecimal(a.seq, b.seq) || compareDecimal(a.id, b.id);
}

/** The same position as a plain object, without a record's other fields. */
export function positionOf(r: Cursor): Cursor {
  return { ts: r.ts, seq: r.seq, id: r.id };
}

/** Sorts in place, oldest first. */
export function sortByPosition<T extends Cursor>(records: T[]): T[] {
  return records.sort(comparePositions);
}
