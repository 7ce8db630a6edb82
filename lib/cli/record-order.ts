/** Records in (ts, id) order, the API's cursor order; ids are 63-bit decimal strings. */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";

/** Negative when a comes before b (is older), positive when after, 0 for the same position. */
export function compareCursors(a: Cursor, b: Cursor): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x === y ? 0 : x < y ? -1 : 1;
}
