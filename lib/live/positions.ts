/**
 * Positions in a stream of records: `(ts, id)` order, the order of the grep API's keyset cursors. Ids are decimal
 * strings below 2^63 without leading zeros, so they compare by length, then as text.
 */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";

export function comparePositions(a: Cursor, b: Cursor): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.id.length !== b.id.length) return a.id.length < b.id.length ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Sorts in place, oldest first. */
export function sortByPosition<T extends Cursor>(records: T[]): T[] {
  return records.sort(comparePositions);
}
