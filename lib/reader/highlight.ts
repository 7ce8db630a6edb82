/**
 * Log text is data: it is rendered as text nodes, and highlighting splits strings at the offsets the API returns.
 * Nothing here produces HTML.
 */
import { sgrRuns } from "./sgr-style";

export type Segment = { text: string; match: boolean };

export function splitHighlights(text: string, spans: [number, number][]): Segment[] {
  const out: Segment[] = [];
  let pos = 0;
  for (const [s0, e0] of [...spans].sort((a, b) => a[0] - b[0])) {
    const s = Math.max(pos, Math.min(s0, text.length));
    const e = Math.max(s, Math.min(e0, text.length));
    if (s > pos) out.push({ text: text.slice(pos, s), match: false });
    if (e > s) out.push({ text: text.slice(s, e), match: true });
    pos = e;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), match: false });
  return out;
}

export type StyledSegment = Segment & { className: string };

/**
 * The text split at the highlight offsets and at its colour sequences, which are left out: each segment with
 * whether it is a match and its colour classes (sgr-style.ts).
 */
export function styledSegments(text: string, spans: [number, number][]): StyledSegment[] {
  const out: StyledSegment[] = [];
  const runs = sgrRuns(text);
  let r = 0;
  let pos = 0;
  for (const piece of splitHighlights(text, spans)) {
    const end = pos + piece.text.length;
    for (; r < runs.length && runs[r]!.start < end; r++) {
      const run = runs[r]!;
      const s = Math.max(run.start, pos);
      const e = Math.min(run.end, end);
      if (e > s) out.push({ text: text.slice(s, e), match: piece.match, className: run.className });
      // A run that goes on past this piece is taken up again by the next one.
      if (run.end > end) break;
    }
    pos = end;
  }
  return out;
}

/**
 * What a collapsed row shows of a long message: at most `maxChars` characters and `maxLines` lines, so that a
 * 1 MB line costs the page no more than a short one until the user asks for all of it.
 */
export function previewOf(text: string, maxChars = 2000, maxLines = 4): { text: string; truncated: boolean } {
  let end = Math.min(text.length, maxChars);
  let nl = -1;
  for (let i = 0; i < maxLines; i++) {
    nl = text.indexOf("\n", nl + 1);
    if (nl === -1 || nl >= end) break;
    if (i === maxLines - 1) end = nl;
  }
  return { text: text.slice(0, end), truncated: end < text.length };
}
