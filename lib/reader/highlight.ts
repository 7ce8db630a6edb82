/**
 * Log text is data: it is rendered as text nodes, and highlighting splits strings at the offsets the API returns.
 * Nothing here produces HTML.
 */
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
