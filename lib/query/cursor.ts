/** Keyset cursors: a position in (ts, id) order, written `<ts>_<id>` so that permalinks stay readable. */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";

export function encodeCursor(c: Cursor): string {
  return `${c.ts}_${c.id}`;
}

export function decodeCursor(s: string): Cursor | null {
  const m = /^(\d{1,16})_(\d{1,19})$/.exec(s);
  if (!m) return null;
  const ts = Number(m[1]);
  if (!Number.isSafeInteger(ts) || BigInt(m[2]!) >= 1n << 63n) return null;
  return { ts, id: m[2]! };
}
