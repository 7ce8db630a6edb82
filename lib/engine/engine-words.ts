/**
 * Words as the engine indexes them (sphinxql-dialect.ts TEXT_SETTINGS), and the words of a record's fields as the
 * collector writes them into the `fields` full-text field, so that free text finds what is in any string value.
 *
 * Why long ids are written in pieces: every distinct word costs the engine a dictionary entry and its infixes
 * (`min_infix_len`), and a request or trace id in every record is a distinct word in every record. Written as they
 * are, the field values of the scale corpus made the tables 1.66× as large per million records, the dictionary
 * 5×; with ids in 4-character pieces, which repeat across ids, 1.35×, the dictionary under 2×, an id costing a
 * few postings (docs/BENCHMARKS.md "Full-text field values"). The pieces carry a mark (`_` on the first, `__` on the middle
 * ones, `___` on the last) so that no piece equals a word of the text (`5632` must not find the id
 * `f3c25632b924`) and a shorter id is not the start of a longer one. A query compiles each
 * such word both ways (sphinxql-dialect.ts compileMatchTerm), and the live matcher reads the same pieces.
 * What pieces give up: `*infix*` finds a part of a long id in a field only within one piece.
 */

export type Token = { text: string; start: number; end: number };

// The charset_table of TEXT_SETTINGS: 0-9, A-Z, _, a-z, U+C0..U+D6, U+D8..U+F6, U+F8..U+FF, U+401,
// U+410..U+44F, U+451. CJK (ngram_chars, U+3000..U+2FA1F) is one word per character.
function wordChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    c === 0x5f ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7) ||
    c === 0x401 ||
    (c >= 0x410 && c <= 0x44f) ||
    c === 0x451
  );
}

function ngramChar(c: number): boolean {
  return c >= 0x3000 && c <= 0x2fa1f;
}

// A colour sequence separates words, as the engine stores it (sphinxql-dialect.ts messageToEngine).
const SGR_AT = /\u001b\[[0-9;:]*m/y;

/** The words of a text as the engine indexes them, lowercased, with their UTF-16 offsets. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let start = -1;
  for (let i = 0; i < text.length;) {
    const c = text.codePointAt(i)!;
    let width = c > 0xffff ? 2 : 1;
    if (c === 0x1b) {
      SGR_AT.lastIndex = i;
      if (SGR_AT.test(text)) width = SGR_AT.lastIndex - i;
    }
    if (wordChar(c)) {
      if (start < 0) start = i;
    } else {
      if (start >= 0) out.push({ text: text.slice(start, i).toLowerCase(), start, end: i });
      start = -1;
      if (ngramChar(c)) out.push({ text: text.slice(i, i + width), start: i, end: i + width });
    }
    i += width;
  }
  if (start >= 0) out.push({ text: text.slice(start).toLowerCase(), start, end: text.length });
  return out;
}

const PIECE = 4;
const LONG = 8;
const FIRST = "_";
const MIDDLE = "__";
const LAST = "___";

/**
 * A word that `fields` holds in pieces: 8 characters or more, with a digit and without `_` (ids, hashes, long
 * numbers); a `_` in a word could be read as a mark.
 */
export function isPieced(word: string): boolean {
  return word.length >= LONG && /[0-9]/.test(word) && !word.includes("_");
}

function pieces(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i += PIECE) out.push(word.slice(i, i + PIECE));
  return out;
}

/** A word as `fields` holds it: itself, or its pieces, marked as first, middle and last. */
export function fieldForm(word: string): string[] {
  if (!isPieced(word)) return [word];
  return pieces(word).map((p, i, all) => (i === 0 ? FIRST : i === all.length - 1 ? LAST : MIDDLE) + p);
}

/**
 * A term's words as `fields` holds them when one of them is held in pieces: one or two readings, each a list of
 * words; null when the words read there as they do in the message. With `prefix`, the last word is a prefix
 * (`f3c25*`), which may start a pieced word whatever it holds: its pieces, the last of which (the one the `*`
 * goes after) may be a middle or the last piece of the word, hence two readings when it is not the first.
 */
export function piecedTerm(words: string[], prefix: boolean): string[][] | null {
  if (words.length === 0) return null;
  const head = words.slice(0, prefix ? -1 : undefined).map(fieldForm);
  const pieced = head.some((f) => f.length > 1);
  const before = head.flat();
  const last = prefix ? words[words.length - 1]! : null;
  if (last === null || !/^[\p{L}\p{N}]+$/u.test(last)) {
    if (!pieced) return null;
    return [last === null ? before : [...before, last]];
  }
  const p = pieces(last);
  if (p.length === 1) return [[...before, FIRST + p[0]]];
  const start = [FIRST + p[0], ...p.slice(1, -1).map((x) => MIDDLE + x)];
  return [
    [...before, ...start, MIDDLE + p[p.length - 1]],
    [...before, ...start, LAST + p[p.length - 1]],
  ];
}

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) collectStrings(x, out);
}

/**
 * The words of every string value of a record's fields (nested objects and arrays included, keys and numbers
 * left out: numbers are found by `field:value`, and a key is no text of the line), in their field form.
 */
export function fieldWords(fields: Record<string, unknown>): string[] {
  const values: string[] = [];
  collectStrings(fields, values);
  const words: string[] = [];
  for (const v of values) for (const t of tokenize(v)) words.push(...fieldForm(t.text));
  return words;
}
