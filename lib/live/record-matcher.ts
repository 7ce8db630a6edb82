/**
 * The grep query language as a JavaScript predicate, for live tails: records arrive from the live exchange, not
 * from the engine, and are filtered here with the engine's semantics as far as they can be reproduced
 * (test/live.int.test.ts asks both the same questions and compares the answers):
 *
 * - Words are what the engine's tokenizer makes of the text (sphinxql-dialect.ts TEXT_SETTINGS): runs of digits,
 *   `_`, ASCII, Latin-1 and Cyrillic letters, case-folded; each CJK character is a word of its own (ngrams);
 *   everything else separates words, a colour (SGR) sequence as a whole. Blend characters (`- . @ = : /`) separate parts too: a term made of several
 *   parts (`web-09`, `status=500`) is a phrase of them, as the dialect compiles it.
 * - `word` matches a whole word; `"a b"` consecutive words; `pay*` a word starting with `pay`; `*voic*` a word
 *   containing `voic` (of several parts: the first ends with, the last starts with, the middle ones equal).
 * - Terms are looked for in the message and in the `fields` text the collector indexes (sphinxql-dialect.ts
 *   fieldsTextOf: `alcoalldocs`, `key=value` of the columns flagged `indexed`, the words of every string value
 *   with long ids in pieces), never across the two; a term with a pieced word is also looked for in its pieces,
 *   as the dialect compiles it. `-term` excludes.
 * - `level:`, `logger:`, `host:` compare the attribute, ASCII case-insensitively (the engine's default `libc_ci`
 *   collation); any other field is the record's JSON value, compared case-sensitively: a string equal to the
 *   value, an integer equal to it (`status:500` finds 500 and "500"; the engine never finds a fraction), or an
 *   array holding such an element. Values of one field are OR'd, fields AND'd, `-field:` negates.
 */
import { piecedTerm, tokenize, type Token } from "@/lib/engine/engine-words";
import {
  fieldsTextOf,
  isAttributeField,
  type FieldFilter,
  type MatchTerm,
} from "@/lib/engine/sphinxql-dialect";
import type { ParsedQuery } from "@/lib/query/parse-query";
import { stripSgr } from "@/lib/records/terminal-escapes";
import type { LogRecord } from "@/lib/query/wire";

export { tokenize };

/** Shared by every tail's matcher: a record delivered to many tails is one object, tokenized once. */
const messageTokens = new WeakMap<LogRecord, Token[]>();

function wordsOf(r: LogRecord): Token[] {
  let t = messageTokens.get(r);
  if (!t) messageTokens.set(r, (t = tokenize(r.message)));
  return t;
}

type PartTest = (word: string) => boolean;
/** `pieced`: the term as the `fields` text holds it where a word of it is written in pieces (engine-words.ts). */
type CompiledTerm = { parts: PartTest[]; pieced: PartTest[][]; negate: boolean };

function compileTerm(t: MatchTerm): CompiledTerm | null {
  const words = tokenize(t.text).map((w) => w.text);
  if (words.length === 0) return null;
  const last = words.length - 1;
  const parts = words.map((w, i): PartTest => {
    if (t.kind === "prefix" && i === last) return (x) => x.startsWith(w);
    if (t.kind === "infix") {
      if (words.length === 1) return (x) => x.includes(w);
      if (i === 0) return (x) => x.endsWith(w);
      if (i === last) return (x) => x.startsWith(w);
    }
    return (x) => x === w;
  });
  const readings = t.kind === "infix" ? null : piecedTerm(words, t.kind === "prefix");
  const pieced = (readings ?? []).map((reading) =>
    reading.map((w, i): PartTest =>
      t.kind === "prefix" && i === reading.length - 1 ? (x) => x.startsWith(w) : (x) => x === w,
    ),
  );
  return { parts, pieced, negate: t.negate };
}

/** Start indexes in `tokens` where the term's parts match consecutive words. */
function* occurrences(tokens: Token[], parts: PartTest[]): Generator<number> {
  outer: for (let i = 0; i + parts.length <= tokens.length; i++) {
    for (let j = 0; j < parts.length; j++) if (!parts[j]!(tokens[i + j]!.text)) continue outer;
    yield i;
  }
}

function occurs(tokens: Token[], parts: PartTest[]): boolean {
  return !occurrences(tokens, parts).next().done;
}

type FieldTest = (r: LogRecord) => boolean;

const INTEGER = /^-?\d{1,15}$/;

const foldAscii = (s: string) => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());

function compileFilter(f: FieldFilter): FieldTest | null {
  if (f.values.length === 0) return null;
  let test: FieldTest;
  if (isAttributeField(f.field)) {
    const field = f.field;
    const values = new Set(f.values.map(foldAscii));
    test = (r) => values.has(foldAscii(r[field]));
  } else {
    const field = f.field;
    const strings = new Set(f.values);
    const numbers = new Set(f.values.filter((v) => INTEGER.test(v)).map(Number));
    const equal = (v: unknown) =>
      typeof v === "string" ? strings.has(v) : typeof v === "number" && numbers.has(v);
    test = (r) => {
      const v = Object.hasOwn(r.fields, field) ? r.fields[field] : undefined;
      return Array.isArray(v) ? v.some(equal) : equal(v);
    };
  }
  return f.negate ? (r) => !test(r) : test;
}

export type RecordMatcher = {
  matches: (r: LogRecord) => boolean;
  /** `[start, end)` offsets of the positive terms in the message, adjacent ones merged, as the engine marks them. */
  highlights: (r: LogRecord) => [number, number][];
};

export type MatcherOptions = {
  /** Columns flagged `indexed`: their `key=value` is full-text searchable. */
  indexedFields?: string[];
};

export function compileRecordMatcher(query: ParsedQuery, opts: MatcherOptions = {}): RecordMatcher {
  const terms = query.terms.map(compileTerm).filter((t): t is CompiledTerm => t !== null);
  const filters = query.filters.map(compileFilter).filter((f): f is FieldTest => f !== null);
  const indexed = opts.indexedFields ?? [];
  const positive = terms.filter((t) => !t.negate);

  const fieldsOf = (r: LogRecord) => tokenize(fieldsTextOf(r.fields, indexed));

  const matches = (r: LogRecord): boolean => {
    for (const f of filters) if (!f(r)) return false;
    if (terms.length === 0) return true;
    const words = wordsOf(r);
    let fields: Token[] | null = null;
    for (const t of terms) {
      let found = occurs(words, t.parts);
      if (!found) {
        const f = (fields ??= fieldsOf(r));
        found = occurs(f, t.parts) || t.pieced.some((p) => occurs(f, p));
      }
      if (found === t.negate) return false;
    }
    return true;
  };

  const highlights = (r: LogRecord): [number, number][] => {
    if (positive.length === 0) return [];
    const words = wordsOf(r);
    const spans: [number, number][] = [];
    for (const t of positive)
      for (const i of occurrences(words, t.parts))
        spans.push([words[i]!.start, words[i + t.parts.length - 1]!.end]);
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged: [number, number][] = [];
    for (const s of spans) {
      const prev = merged[merged.length - 1];
      if (prev && (s[0] <= prev[1] || stripSgr(r.message.slice(prev[1], s[0])).trim() === ""))
        prev[1] = Math.max(prev[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    return merged;
  };

  return { matches, highlights };
}
