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
 * - OR, AND, NOT and groups evaluate as written (the parser has already refused what the engine cannot ask).
 * - Comparisons: `level` by its number, unknown levels (number 0) never; a JSON value when it is a number, and
 *   (the engine's reading, sphinxql-dialect.ts conditionExpr) an object of one key as 0.
 * - `field:*`: a JSON value present and not null, an attribute not empty.
 * - `/re/` and `field:/re/` as the search tests them on the engine's rows (lib/query/regex-filter.ts).
 */
import { piecedTerm, tokenize, type Token } from "@/lib/engine/engine-words";
import {
  fieldsTextOf,
  isAttributeField,
  positiveTerms,
  type Condition,
  type FieldFilter,
  type MatchTerm,
  type TextQuery,
} from "@/lib/engine/sphinxql-dialect";
import type { ParsedQuery } from "@/lib/query/parse-query";
import { compileRegexFilters } from "@/lib/query/regex-filter";
import { LEVELS } from "@/lib/records/levels";
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

/**
 * The same for the `fields` text, which is every string value's words and so costs more: kept with the indexed
 * columns it was made with, since tails of one index share them but a change of column flags does not wait.
 */
const fieldTokens = new WeakMap<LogRecord, { indexed: string; tokens: Token[] }>();

function fieldWordsOf(r: LogRecord, indexed: readonly string[]): Token[] {
  const key = indexed.join("\u0000");
  const cached = fieldTokens.get(r);
  if (cached?.indexed === key) return cached.tokens;
  const tokens = tokenize(fieldsTextOf(r.fields, indexed));
  fieldTokens.set(r, { indexed: key, tokens });
  return tokens;
}

type PartTest = (word: string) => boolean;
/** `pieced`: the term as the `fields` text holds it where a word of it is written in pieces (engine-words.ts). */
type CompiledTerm = { parts: PartTest[]; pieced: PartTest[][]; negate: boolean; inMessage: boolean };

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
  return { parts, pieced, negate: t.negate, inMessage: t.inMessage === true };
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

function equalsAny(field: string, values: string[]): FieldTest {
  if (isAttributeField(field)) {
    const folded = new Set(values.map(foldAscii));
    return (r) => folded.has(foldAscii(r[field]));
  }
  const strings = new Set(values);
  const numbers = new Set(values.filter((v) => INTEGER.test(v)).map(Number));
  const equal = (v: unknown) =>
    typeof v === "string" ? strings.has(v) : typeof v === "number" && numbers.has(v);
  return (r) => {
    const v = jsonValue(r, field);
    return Array.isArray(v) ? v.some(equal) : equal(v);
  };
}

function jsonValue(r: LogRecord, field: string): unknown {
  return Object.hasOwn(r.fields, field) ? r.fields[field] : undefined;
}

function compileFilter(f: FieldFilter): FieldTest | null {
  if (f.values.length === 0) return null;
  const test = equalsAny(f.field, f.values);
  return f.negate ? (r) => !test(r) : test;
}

/** A record's level number as the collector stored it: a known name's number, 0 for any other. */
function levelNumber(r: LogRecord): number {
  const name = r.level.toLowerCase();
  return Object.hasOwn(LEVELS, name) ? LEVELS[name as keyof typeof LEVELS] : 0;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
};

function compileCondition(c: Condition): FieldTest {
  switch (c.kind) {
    case "in":
      return c.values.length === 0 ? () => false : equalsAny(c.field, c.values);
    case "cmp": {
      const cmp = COMPARE[c.op]!;
      const bound = c.value;
      if (c.field === "level")
        return (r) => {
          const n = levelNumber(r);
          return n > 0 && cmp(n, bound);
        };
      const field = c.field;
      return (r) => {
        const v = jsonValue(r, field);
        if (typeof v === "number") return cmp(v, bound);
        const oneKeyObject =
          typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1;
        return oneKeyObject && cmp(0, bound);
      };
    }
    case "exists": {
      const field = c.field;
      if (isAttributeField(field)) return (r) => r[field] !== "";
      return (r) => {
        const v = jsonValue(r, field);
        return v !== undefined && v !== null;
      };
    }
    case "not": {
      const child = compileCondition(c.child);
      return (r) => !child(r);
    }
    case "and": {
      const children = c.children.map(compileCondition);
      return (r) => children.every((t) => t(r));
    }
    case "or": {
      const children = c.children.map(compileCondition);
      return (r) => children.some((t) => t(r));
    }
  }
}

/** A full-text tree as a predicate over the term test; null when nothing in it can match (as the dialect). */
type TextTest = (has: (t: CompiledTerm) => boolean) => boolean;

function compileTextTree(n: TextQuery): TextTest | null {
  switch (n.kind) {
    case "term": {
      const t = compileTerm({ ...n.term, negate: false });
      return t === null ? null : (has) => has(t);
    }
    case "not": {
      const child = compileTextTree(n.child);
      return child === null ? null : (has) => !child(has);
    }
    case "and":
    case "or": {
      const children = n.children.map(compileTextTree).filter((c): c is TextTest => c !== null);
      if (children.length === 0) return null;
      return n.kind === "and"
        ? (has) => children.every((c) => c(has))
        : (has) => children.some((c) => c(has));
    }
  }
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
  const filters = [
    ...query.filters.map(compileFilter).filter((f): f is FieldTest => f !== null),
    ...(query.conditions ?? []).map(compileCondition),
  ];
  const trees = (query.text ?? []).map(compileTextTree).filter((t): t is TextTest => t !== null);
  const regex = compileRegexFilters(query.regexes);
  const indexed = opts.indexedFields ?? [];
  const positive = [
    ...terms.filter((t) => !t.negate),
    ...positiveTerms(query.text ?? [])
      .map(compileTerm)
      .filter((t): t is CompiledTerm => t !== null),
  ];

  const fieldsOf = (r: LogRecord) => fieldWordsOf(r, indexed);

  const matches = (r: LogRecord): boolean => {
    for (const f of filters) if (!f(r)) return false;
    if (terms.length === 0 && trees.length === 0) return regex === null || regex(r);
    const words = wordsOf(r);
    let fields: Token[] | null = null;
    const has = (t: CompiledTerm) => {
      if (occurs(words, t.parts)) return true;
      if (t.inMessage) return false;
      const f = (fields ??= fieldsOf(r));
      return occurs(f, t.parts) || t.pieced.some((p) => occurs(f, p));
    };
    for (const t of terms) if (has(t) === t.negate) return false;
    for (const tree of trees) if (!tree(has)) return false;
    return regex === null || regex(r);
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
