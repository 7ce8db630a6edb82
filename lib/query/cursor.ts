/**
 * Keyset cursors: a position in (ts, id) order, written `<ts>_<id>` so that permalinks stay readable. The API
 * writes and reads them; the reader, the live tail and the CLI read and compare them with the same functions.
 * Free of server imports: client components import it.
 */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";

export function encodeCursor(c: Cursor): string {
  return `${c.ts}_${c.id}`;
}

/** A record's own position. */
export function cursorOf(r: Cursor): string {
  return encodeCursor({ ts: r.ts, id: r.id });
}

/** The position before every record of millisecond `ts` (ids are above 0). */
export function timeCursor(ts: number): string {
  return encodeCursor({ ts, id: "0" });
}

export function decodeCursor(s: string): Cursor | null {
  const m = /^(\d{1,16})_(\d{1,19})$/.exec(s);
  if (!m) return null;
  const ts = Number(m[1]);
  if (!Number.isSafeInteger(ts) || BigInt(m[2]!) >= 1n << 63n) return null;
  return { ts, id: m[2]! };
}

/**
 * Whether `s` is written like a cursor. The reader passes such a URL value on to the API unchecked, so that one
 * out of range comes back as the API's error instead of being silently dropped.
 */
export function isCursorShaped(s: string): boolean {
  return /^\d+_\d+$/.test(s);
}

/**
 * Negative when a comes before b (is older), positive when after, 0 for the same position. Ids are decimal
 * strings below 2^63 without leading zeros, so they compare by length, then as text.
 */
export function comparePositions(a: Cursor, b: Cursor): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length < b.id.length ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Sorts in place, oldest first. */
export function sortByPosition<T extends Cursor>(records: T[]): T[] {
  return records.sort(comparePositions);
}
