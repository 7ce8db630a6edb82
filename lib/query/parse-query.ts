/**
 * The reader's query language, grep-like and forgiving (docs/API.md "Query syntax"):
 *   word            lines containing the word (case-insensitive, whole word)
 *   "some phrase"   the words in this order
 *   prefix*         words starting with prefix (3 characters at least)
 *   *infix*         words containing infix (3 characters at least)
 *   field:value     records whose field equals value; field:"a value" for spaces, field:=value the same
 *   field:>N        comparisons (>, >=, <, <=) and ranges field:[a TO b] on numbers, durations, sizes, levels
 *   field:*         records that have the field
 *   message:term    the term in the message only, not in the fields' words (free text looks in both)
 *   -term, NOT term excludes; a OR b, a | b either; AND (or nothing) both; ( ) groups; field:(a OR b)
 * NOT binds tighter than AND, AND tighter than OR. Repeating a field in one AND group means either value (as it
 * always did). Characters the engine treats as operators are plain text here: the compiler escapes them.
 *
 * The engine takes full-text conditions in MATCH() and field conditions elsewhere, AND'd together: a query whose
 * OR or NOT joins the two kinds cannot be asked and is refused with its position.
 */
import {
  FIELD_NAME_PATTERN,
  isAttributeField,
  positiveTerms,
  tokenizeWords,
  type CompareOp,
  type Condition,
  type FieldFilter,
  type MatchTerm,
  type TextQuery,
} from "@/lib/engine/sphinxql-dialect";
import { LEVELS, normalizeLevel } from "@/lib/records/levels";
import { regexLiterals, regexProblem, type RegexFilter } from "./regex-filter";

/**
 * What the compilers take: the top-level AND of a query. `terms` and `filters` are its plain parts (as before
 * OR existed); `text` and `conditions` its structured full-text and field parts, present only when there are.
 */
export type ParsedQuery = {
  terms: MatchTerm[];
  filters: FieldFilter[];
  text?: TextQuery[];
  conditions?: Condition[];
  /** Regular expressions the app tests on the engine's rows; their required words are in `terms`. */
  regexes?: RegexFilter[];
};

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const MAX_QUERY_LENGTH = 4096;
const MAX_TERMS = 64;
const MAX_DEPTH = 32;
const MIN_WILDCARD_CHARS = 3;

/** The query as a tree, each node with the character offset it starts at. */
export type QueryNode =
  | { type: "and" | "or"; children: QueryNode[]; pos: number }
  | { type: "not"; child: QueryNode; pos: number }
  | { type: "term"; term: MatchTerm; pos: number }
  | { type: "field"; cond: Condition & { kind: "in" | "cmp" | "exists" }; pos: number }
  | { type: "regex"; field: string | null; pattern: string; ignoreCase: boolean; pos: number };

const at = (pos: number) => `at character ${pos + 1}`;

function readQuoted(q: string, start: number): { text: string; end: number } {
  let out = "";
  let i = start + 1;
  while (i < q.length) {
    const c = q[i]!;
    if (c === "\\" && i + 1 < q.length && (q[i + 1] === '"' || q[i + 1] === "\\")) {
      out += q[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { text: out, end: i + 1 };
    out += c;
    i++;
  }
  throw new QuerySyntaxError(`unterminated quote starting at character ${start + 1}`, start);
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

// ---------------------------------------------------------------------------------------------------------------
// Values with units

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** The unit a field's name says it holds: `_ms`/`Ms` milliseconds, `_s` seconds, `_bytes`/`Bytes` bytes. */
function fieldUnit(field: string): "ms" | "s" | "bytes" | null {
  if (/(_ms|[a-z0-9]Ms)$/.test(field)) return "ms";
  if (/_s$/.test(field)) return "s";
  if (/(_bytes|[a-z0-9]Bytes)$/.test(field)) return "bytes";
  return null;
}

const NUMBER = /^(-?\d{1,15}(?:\.\d{1,6})?)([A-Za-z]{1,2})?$/;

/**
 * A comparison's value in the field's unit: a duration converts to milliseconds on a field named so and to
 * seconds otherwise, a size to bytes; a bare number is taken as it is. On `level`, a level's name gives its number.
 */
function compareValue(field: string, text: string, pos: number): number {
  if (field === "level") {
    const { level, lvl } = normalizeLevel(text);
    if (lvl === 0)
      throw new QuerySyntaxError(
        `"${text}" ${at(pos)}: a level comparison needs a level name (${Object.keys(LEVELS).join(", ")})`,
        pos,
      );
    return LEVELS[level as keyof typeof LEVELS];
  }
  if (isAttributeField(field))
    throw new QuerySyntaxError(
      `"${field}:" ${at(pos)}: ${field} holds text, which has no order; comparisons (>, <, [a TO b]) need a field holding numbers or level`,
      pos,
    );
  const m = NUMBER.exec(text);
  if (!m)
    throw new QuerySyntaxError(
      `"${text}" ${at(pos)}: expected a number after the comparison (like 500, 1.5s, 10kb)`,
      pos,
    );
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (unit === undefined) return n;
  const own = fieldUnit(field);
  if (Object.hasOwn(DURATION_MS, unit)) {
    if (own === "bytes")
      throw new QuerySyntaxError(`"${text}" ${at(pos)}: ${field} holds bytes, not a duration`, pos);
    return (n * DURATION_MS[unit]!) / (own === "ms" ? 1 : 1000);
  }
  if (Object.hasOwn(SIZE_BYTES, unit)) {
    if (own === "ms" || own === "s")
      throw new QuerySyntaxError(`"${text}" ${at(pos)}: ${field} holds a duration, not a size`, pos);
    return n * SIZE_BYTES[unit]!;
  }
  throw new QuerySyntaxError(
    `"${text}" ${at(pos)}: unknown unit "${m[2]}" (durations ms, s, m, h, d; sizes b, kb, mb, gb, tb)`,
    pos,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Parser: recursive descent over the text

class Parser {
  i = 0;
  depth = 0;
  leaves = 0;

  constructor(readonly q: string) {}

  skipSpace() {
    while (isSpace(this.q[this.i])) this.i++;
  }

  /** The keyword (OR, AND, NOT) at the cursor, standing alone; `|` is OR wherever it is. */
  keyword(): "OR" | "AND" | "NOT" | null {
    const q = this.q;
    if (q[this.i] === "|") return "OR";
    for (const k of ["OR", "AND", "NOT"] as const) {
      if (!q.startsWith(k, this.i)) continue;
      const next = q[this.i + k.length];
      if (next === undefined || isSpace(next) || next === "(" || next === ")" || next === '"') return k;
    }
    return null;
  }

  atEnd() {
    this.skipSpace();
    return this.i >= this.q.length;
  }

  /** Where an operand may start: not at the end, a `)` or an OR. */
  atOperand() {
    if (this.atEnd()) return false;
    if (this.q[this.i] === ")") return false;
    return this.keyword() !== "OR";
  }

  nested<T>(pos: number, f: () => T): T {
    if (++this.depth > MAX_DEPTH)
      throw new QuerySyntaxError(`the query nests deeper than ${MAX_DEPTH} levels ${at(pos)}`, pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  leaf<T extends QueryNode>(node: T): T {
    if (++this.leaves > MAX_TERMS)
      throw new QuerySyntaxError(`the query has more than ${MAX_TERMS} terms`, node.pos);
    return node;
  }

  /** or := and (OR and)* ; `item` reads one operand (a term, or a field's value inside field:( )). */
  parseOr(item: () => QueryNode): QueryNode {
    const pos = this.i;
    const children = [this.parseAnd(item)];
    for (;;) {
      this.skipSpace();
      if (this.keyword() !== "OR") break;
      const opPos = this.i;
      this.i += this.q[this.i] === "|" ? 1 : 2;
      if (!this.atOperand()) throw new QuerySyntaxError(`OR ${at(opPos)} needs a term after it`, opPos);
      children.push(this.parseAnd(item));
    }
    return children.length === 1 ? children[0]! : { type: "or", children, pos };
  }

  parseAnd(item: () => QueryNode): QueryNode {
    this.skipSpace();
    const pos = this.i;
    if (!this.atOperand()) {
      if (this.keyword() === "OR") throw new QuerySyntaxError(`OR ${at(pos)} needs a term before it`, pos);
      throw new QuerySyntaxError(`expected a term ${at(pos)}`, pos);
    }
    const children: QueryNode[] = [];
    for (;;) {
      if (!this.atOperand()) break;
      if (this.keyword() === "AND") {
        const opPos = this.i;
        this.i += 3;
        if (children.length === 0 || !this.atOperand())
          throw new QuerySyntaxError(`AND ${at(opPos)} needs a term on each side`, opPos);
      }
      children.push(this.parseUnary(item));
    }
    return children.length === 1 ? children[0]! : { type: "and", children, pos };
  }

  parseUnary(item: () => QueryNode): QueryNode {
    this.skipSpace();
    const pos = this.i;
    const q = this.q;
    let negate = false;
    if (this.keyword() === "NOT") {
      this.i += 3;
      if (!this.atOperand()) throw new QuerySyntaxError(`NOT ${at(pos)} needs a term after it`, pos);
      negate = true;
    } else if (q[this.i] === "-" && this.i + 1 < q.length && !/[\s)|]/.test(q[this.i + 1]!)) {
      this.i++;
      negate = true;
    }
    if (negate) {
      // `--x` excludes the word `-x`, as it always did: one dash negates, the rest is text.
      const dashed = q[pos] === "-" && q[this.i] === "-";
      const child = dashed ? item() : this.nested(pos, () => this.parseUnary(item));
      return child.type === "not" ? child.child : { type: "not", child, pos };
    }
    if (q[this.i] === "(") {
      this.i++;
      const inner = this.nested(pos, () => this.parseOr(item));
      this.skipSpace();
      if (q[this.i] !== ")")
        throw new QuerySyntaxError(`unbalanced parenthesis: the "(" ${at(pos)} is not closed`, pos);
      this.i++;
      return inner;
    }
    return item();
  }

  /**
   * A bare word from the cursor: up to a space, a quote, `|`, or a `)` that no `(` inside the word opened, so
   * `getUser(id)` is one word and `(a OR b)` closes after b.
   */
  bareWord(): string {
    const q = this.q;
    const start = this.i;
    let open = 0;
    while (this.i < q.length) {
      const c = q[this.i]!;
      if (isSpace(c) || c === '"' || c === "|") break;
      if (c === "(") open++;
      else if (c === ")") {
        if (open === 0) break;
        open--;
      }
      this.i++;
    }
    return q.slice(start, this.i);
  }

  /** A term of the query: a phrase, a field's condition, a word. */
  term = (): QueryNode => {
    const q = this.q;
    const pos = this.i;
    if (q[pos] === ")")
      throw new QuerySyntaxError(`unbalanced parenthesis: the ")" ${at(pos)} closes nothing`, pos);
    if (q[pos] === '"') {
      const { text, end } = readQuoted(q, pos);
      this.i = end;
      return this.leaf({ type: "term", term: { kind: "phrase", text, negate: false }, pos });
    }
    if (q[pos] === "/") {
      const re = this.regex(null, pos);
      if (re) return re;
    }
    const field = /^([A-Za-z_][A-Za-z0-9_]{0,63}):/.exec(q.slice(pos, pos + 65))?.[1];
    if (
      field !== undefined &&
      FIELD_NAME_PATTERN.test(field) &&
      !q.startsWith("//", pos + field.length + 1)
    ) {
      this.i = pos + field.length + 1;
      return field === "message" ? this.messageValue(pos) : this.fieldValue(field, pos);
    }
    const word = this.bareWord();
    if (word === "") throw new QuerySyntaxError(`expected a term ${at(pos)}`, pos);
    if (/^\*|.\*$/.test(word) && word.replace(/\*/g, "") !== "")
      return this.leaf({ type: "term", term: wildcardTerm(word, pos), pos });
    return this.leaf({ type: "term", term: { kind: "word", text: word, negate: false }, pos });
  };

  /**
   * What follows `message:`: free text looked for in the message only, not in the fields' words: a word, a
   * "phrase", a wildcard, a regular expression (which reads the message anyway) or a group of these.
   */
  messageValue(pos: number): QueryNode {
    const q = this.q;
    const vpos = this.i;
    const c = q[vpos];
    if (c === "(") {
      this.i++;
      const inner = this.nested(pos, () => this.parseOr(() => this.messageValue(this.i)));
      this.skipSpace();
      if (q[this.i] !== ")")
        throw new QuerySyntaxError(`unbalanced parenthesis: the "(" ${at(vpos)} is not closed`, vpos);
      this.i++;
      return inner;
    }
    if (c === '"') {
      const { text, end } = readQuoted(q, vpos);
      this.i = end;
      return this.leaf({ type: "term", term: { kind: "phrase", text, negate: false, inMessage: true }, pos });
    }
    if (c === "/") {
      const re = this.regex(null, pos);
      if (re) return re;
    }
    const word = this.bareWord();
    if (word === "")
      throw new QuerySyntaxError(
        `message: ${at(pos)} needs a value (write message:word or message:"a phrase")`,
        pos,
      );
    const term: MatchTerm =
      /^\*|.\*$/.test(word) && word.replace(/\*/g, "") !== ""
        ? wildcardTerm(word, pos)
        : { kind: "word", text: word, negate: false };
    return this.leaf({ type: "term", term: { ...term, inMessage: true }, pos });
  }

  /** What follows `field:`: a value, a quoted value, `*`, a comparison, a range or a group of these. */
  fieldValue(field: string, pos: number): QueryNode {
    const q = this.q;
    const vpos = this.i;
    const c = q[vpos];
    if (c === "(") {
      this.i++;
      const inner = this.nested(pos, () => this.parseOr(() => this.fieldValue(field, this.i)));
      this.skipSpace();
      if (q[this.i] !== ")")
        throw new QuerySyntaxError(`unbalanced parenthesis: the "(" ${at(vpos)} is not closed`, vpos);
      this.i++;
      return inner;
    }
    const node = (cond: Condition & { kind: "in" | "cmp" | "exists" }) =>
      this.leaf({ type: "field" as const, cond, pos });
    const exact = (explicit: boolean): QueryNode => {
      if (q[this.i] === '"') {
        const { text, end } = readQuoted(q, this.i);
        this.i = end;
        return node({ kind: "in", field, values: [text] });
      }
      const value = this.bareWord();
      if (value === "")
        throw new QuerySyntaxError(
          `${field}:${explicit ? "=" : ""} ${at(pos)} needs a value (write ${field}:value or ${field}:"a value")`,
          pos,
        );
      return node({ kind: "in", field, values: [value] });
    };
    if (c === "=") {
      this.i++;
      return exact(true);
    }
    if (c === "/") {
      const re = this.regex(field, pos);
      if (re) return re;
    }
    if (c === "*" && (this.i + 1 >= q.length || /[\s)|]/.test(q[this.i + 1]!))) {
      this.i++;
      return node({ kind: "exists", field });
    }
    if ((c === ">" || c === "<" || c === "[") && isAttributeField(field) && field !== "level")
      throw new QuerySyntaxError(
        `"${field}:" ${at(pos)}: ${field} holds text, which has no order; comparisons (>, <, [a TO b]) need a field holding numbers or level`,
        pos,
      );
    if (c === ">" || c === "<") {
      const op: CompareOp = q[this.i + 1] === "=" ? (c === ">" ? ">=" : "<=") : c;
      this.i += op.length;
      const tpos = this.i;
      const text = this.bareWord();
      if (text === "") throw new QuerySyntaxError(`${field}:${op} ${at(pos)} needs a number after it`, pos);
      return node({ kind: "cmp", field, op, value: compareValue(field, text, tpos) });
    }
    if (c === "[") return this.range(field, pos);
    return exact(false);
  }

  /**
   * `/pattern/` or `/pattern/i` from the cursor, or null when its next `/` does not close it before a space,
   * `)`, `|` or the end (then it is text: `/api/orders/9` is words). A `/` in a class or escaped is the pattern's.
   */
  regex(field: string | null, pos: number): QueryNode | null {
    const q = this.q;
    const start = this.i;
    let inClass = false;
    for (let j = start + 1; j < q.length; j++) {
      const c = q[j]!;
      if (c === "\\") {
        j++;
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        continue;
      }
      if (c === "[") inClass = true;
      if (c !== "/") continue;
      const ignoreCase = q[j + 1] === "i";
      const end = j + 1 + (ignoreCase ? 1 : 0);
      // As in JavaScript, a `/` inside is written `\/`: an unescaped one that does not close makes this text.
      if (end < q.length && !/[\s)|]/.test(q[end]!)) return null;
      const pattern = q.slice(start + 1, j);
      if (pattern === "") return null;
      const problem = regexProblem(pattern);
      if (problem !== null)
        throw new QuerySyntaxError(`the regular expression ${at(start)}: ${problem}`, start);
      this.i = end;
      return this.leaf({ type: "regex", field, pattern, ignoreCase, pos });
    }
    return null;
  }

  /** `[a TO b]`, both ends included; `*` leaves an end open. */
  range(field: string, pos: number): QueryNode {
    const q = this.q;
    const close = q.indexOf("]", this.i);
    const m = close < 0 ? null : /^\[\s*(\S+)\s+TO\s+(\S+)\s*$/.exec(q.slice(this.i, close));
    if (!m)
      throw new QuerySyntaxError(
        `${field}: ${at(this.i)} expected a range like ${field}:[10 TO 20] (inclusive; * for an open end)`,
        this.i,
      );
    const lo = m[1]!;
    const hi = m[2]!;
    const start = this.i;
    this.i = close + 1;
    const parts: (Condition & { kind: "cmp" })[] = [];
    if (lo !== "*") parts.push({ kind: "cmp", field, op: ">=", value: compareValue(field, lo, start + 1) });
    if (hi !== "*") parts.push({ kind: "cmp", field, op: "<=", value: compareValue(field, hi, start + 1) });
    if (parts.length === 0) return this.leaf({ type: "field", cond: { kind: "exists", field }, pos });
    const leaves = parts.map((cond) => this.leaf({ type: "field" as const, cond, pos }));
    return leaves.length === 1 ? leaves[0]! : { type: "and", children: leaves, pos };
  }
}

function wildcardTerm(text: string, pos: number): MatchTerm {
  const leading = text.startsWith("*");
  const core = text.replace(/^\*+|\*+$/g, "");
  const words = tokenizeWords(core);
  const edge = leading ? words[0] : words[words.length - 1];
  if (!edge || edge.length < MIN_WILDCARD_CHARS) {
    throw new QuerySyntaxError(
      `"${text}": a wildcard needs at least ${MIN_WILDCARD_CHARS} letters or digits next to the *`,
      pos,
    );
  }
  return { kind: leading ? "infix" : "prefix", text: core, negate: false };
}

/** The query's tree, or null for an empty query. */
export function parseQueryTree(q: string): QueryNode | null {
  if (q.length > MAX_QUERY_LENGTH)
    throw new QuerySyntaxError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  const p = new Parser(q);
  if (p.atEnd()) return null;
  const tree = p.parseOr(p.term);
  p.skipSpace();
  if (p.i < q.length) {
    // parseOr stops only at the end or a `)` it did not open.
    throw new QuerySyntaxError(`unbalanced parenthesis: the ")" ${at(p.i)} closes nothing`, p.i);
  }
  return normalize(tree);
}

// ---------------------------------------------------------------------------------------------------------------
// Normalising and splitting

/**
 * Flattens nested ANDs and ORs, and gives repeated fields their meaning: in one AND group, `field:a field:b`
 * is either value, and `-field:a -field:b` neither (one `in` each).
 */
function normalize(n: QueryNode): QueryNode {
  if (n.type === "not") {
    const child = normalize(n.child);
    return child.type === "not" ? child.child : { ...n, child };
  }
  if (n.type !== "and" && n.type !== "or") return n;
  const children: QueryNode[] = [];
  for (const c of n.children.map(normalize)) {
    if (c.type === n.type) children.push(...c.children);
    else children.push(c);
  }
  if (n.type === "and") {
    const merged: QueryNode[] = [];
    const byField = new Map<string, Condition & { kind: "in" }>();
    for (const c of children) {
      const negated = c.type === "not";
      const leaf = negated ? c.child : c;
      if (leaf.type !== "field" || leaf.cond.kind !== "in") {
        merged.push(c);
        continue;
      }
      const key = `${negated ? "-" : ""}${leaf.cond.field}`;
      const seen = byField.get(key);
      if (seen) {
        for (const v of leaf.cond.values) if (!seen.values.includes(v)) seen.values.push(v);
        continue;
      }
      const cond = { ...leaf.cond, values: [...leaf.cond.values] };
      byField.set(key, cond);
      const copy: QueryNode = { ...leaf, cond };
      merged.push(negated ? { ...c, child: copy } : copy);
    }
    return merged.length === 1 ? merged[0]! : { ...n, children: merged };
  }
  // `field:(a OR b)` is `field:a field:b`: one IN() the engine filters in WHERE, not an expression per row.
  const first = children[0]!;
  if (
    first.type === "field" &&
    first.cond.kind === "in" &&
    children.every((c) => c.type === "field" && c.cond.kind === "in" && c.cond.field === first.cond.field)
  ) {
    const values = [
      ...new Set(children.flatMap((c) => (c.type === "field" && c.cond.kind === "in" ? c.cond.values : []))),
    ];
    return { ...first, cond: { kind: "in", field: first.cond.field, values } };
  }
  return children.length === 1 ? children[0]! : { ...n, children };
}

type Kind = "text" | "field" | "mixed";

/**
 * Whether a subtree is all full-text, all field conditions, or an AND of both (fine where the top level splits
 * it); an OR or NOT over both is the node to report.
 */
function kindOf(n: QueryNode): Kind | { problem: QueryNode } {
  if (n.type === "regex") return { problem: n };
  if (n.type === "term") return "text";
  if (n.type === "field") return "field";
  if (n.type === "not") {
    const k = kindOf(n.child);
    return k === "mixed" ? { problem: n } : k;
  }
  let kind: Kind | null = null;
  for (const c of n.children) {
    const k = kindOf(c);
    if (typeof k !== "string") return k;
    if (kind === null) kind = k;
    else if (k !== kind) kind = "mixed";
  }
  if (kind === "mixed" && n.type === "or") return { problem: n };
  return kind ?? "text";
}

function toText(n: QueryNode): TextQuery {
  if (n.type === "term") return { kind: "term", term: n.term };
  if (n.type === "not") return { kind: "not", child: toText(n.child) };
  if (n.type === "field" || n.type === "regex") throw new Error("not a full-text term");
  return { kind: n.type, children: n.children.map(toText) };
}

function toCondition(n: QueryNode): Condition {
  if (n.type === "field") return n.cond;
  if (n.type === "not") return { kind: "not", child: toCondition(n.child) };
  if (n.type === "term" || n.type === "regex") throw new Error("not a field condition");
  return { kind: n.type, children: n.children.map(toCondition) };
}

function mixedError(n: QueryNode): QuerySyntaxError {
  if (n.type === "regex")
    return new QuerySyntaxError(
      `the regular expression ${at(n.pos)} stands inside OR or a NOT group; a regular expression can only be ` +
        `AND'd with the rest of the query (or excluded on its own: -/re/)`,
      n.pos,
    );
  const op = n.type === "or" ? "OR" : "NOT";
  const where = n.type === "or" ? `the OR group starting ${at(n.pos)}` : `the NOT ${at(n.pos)}`;
  return new QuerySyntaxError(
    `${where} combines words and field conditions under ${op}, which the engine cannot search in one go; ` +
      `write the words and the field conditions as separate AND'd parts, or search for each side on its own`,
    n.pos,
  );
}

/** Splits a tree's top-level AND into what each compiler takes. */
export function splitQuery(tree: QueryNode | null): ParsedQuery {
  const terms: MatchTerm[] = [];
  const filters = new Map<string, FieldFilter>();
  const text: TextQuery[] = [];
  const conditions: Condition[] = [];
  const regexes: RegexFilter[] = [];
  const conjuncts = tree === null ? [] : tree.type === "and" ? tree.children : [tree];
  for (const c of conjuncts) {
    const negate = c.type === "not";
    const leaf = negate ? c.child : c;
    if (leaf.type === "term") {
      terms.push({ ...leaf.term, negate });
      continue;
    }
    if (leaf.type === "regex") {
      regexes.push({ field: leaf.field, pattern: leaf.pattern, ignoreCase: leaf.ignoreCase, negate });
      // The engine narrows to lines holding the words every match holds; the app tests the rest.
      if (!negate && leaf.field === null) {
        for (const t of regexLiterals(leaf.pattern, leaf.ignoreCase))
          if (!terms.some((x) => x.kind === t.kind && x.text === t.text && !x.negate)) terms.push(t);
      }
      continue;
    }
    if (leaf.type === "field" && leaf.cond.kind === "in") {
      const key = `${negate ? "-" : ""}${leaf.cond.field}`;
      const f = filters.get(key) ?? { field: leaf.cond.field, values: [], negate };
      for (const v of leaf.cond.values) if (!f.values.includes(v)) f.values.push(v);
      filters.set(key, f);
      continue;
    }
    const kind = kindOf(c);
    // A top-level AND is split above, so only an OR or NOT mixes the two kinds here.
    if (typeof kind !== "string") throw mixedError(kind.problem);
    if (kind === "mixed") throw mixedError(c);
    if (kind === "text") text.push(toText(c));
    else conditions.push(toCondition(c));
  }
  const out: ParsedQuery = { terms, filters: [...filters.values()] };
  if (text.length) out.text = text;
  if (conditions.length) out.conditions = conditions;
  if (regexes.length) out.regexes = regexes;
  return out;
}

export function parseQuery(q: string): ParsedQuery {
  return splitQuery(parseQueryTree(q));
}

/** Whether the query looks for words (not only excludes them): then matches have something to mark. */
export function searchesWords(parsed: ParsedQuery): boolean {
  return parsed.terms.some((t) => !t.negate) || positiveTerms(parsed.text ?? []).length > 0;
}
