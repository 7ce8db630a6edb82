/**
 * The reader's query language, grep-like and forgiving:
 *   word            lines containing the word (case-insensitive, whole word)
 *   "some phrase"   the words in this order
 *   prefix*         words starting with prefix (3 characters at least)
 *   *infix*         words containing infix (3 characters at least)
 *   field:value     records whose field equals value; field:"a value" for spaces; repeat a field for OR
 *   -term           excludes lines matching any of the above
 * Terms are AND'd. Characters the engine treats as operators are plain text here: the compiler escapes them.
 */
import {
  FIELD_NAME_PATTERN,
  tokenizeWords,
  type FieldFilter,
  type MatchTerm,
} from "@/lib/engine/sphinxql-dialect";

export type ParsedQuery = { terms: MatchTerm[]; filters: FieldFilter[] };

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
const MIN_WILDCARD_CHARS = 3;

type Token = { text: string; quoted: boolean; negate: boolean; field?: string; pos: number };

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

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    if (/\s/.test(q[i]!)) {
      i++;
      continue;
    }
    const pos = i;
    let negate = false;
    if (q[i] === "-" && i + 1 < q.length && !/\s/.test(q[i + 1]!)) {
      negate = true;
      i++;
    }
    if (q[i] === '"') {
      const { text, end } = readQuoted(q, i);
      tokens.push({ text, quoted: true, negate, pos });
      i = end;
      continue;
    }
    let j = i;
    while (j < q.length && !/\s/.test(q[j]!) && q[j] !== '"') j++;
    const word = q.slice(i, j);
    const colon = word.indexOf(":");
    const field = colon > 0 ? word.slice(0, colon) : "";
    if (colon > 0 && FIELD_NAME_PATTERN.test(field) && !word.startsWith("//", colon + 1)) {
      if (j < q.length && q[j] === '"' && colon === word.length - 1) {
        const { text, end } = readQuoted(q, j);
        tokens.push({ text, quoted: true, negate, field, pos });
        i = end;
        continue;
      }
      const value = word.slice(colon + 1);
      if (value === "")
        throw new QuerySyntaxError(
          `${field}: needs a value (write ${field}:value or ${field}:"a value")`,
          pos,
        );
      tokens.push({ text: value, quoted: false, negate, field, pos });
    } else {
      tokens.push({ text: word, quoted: false, negate, pos });
    }
    i = j;
  }
  return tokens;
}

function wildcardTerm(t: Token): MatchTerm {
  const leading = t.text.startsWith("*");
  const core = t.text.replace(/^\*+|\*+$/g, "");
  const words = tokenizeWords(core);
  const edge = leading ? words[0] : words[words.length - 1];
  if (!edge || edge.length < MIN_WILDCARD_CHARS) {
    throw new QuerySyntaxError(
      `"${t.text}": a wildcard needs at least ${MIN_WILDCARD_CHARS} letters or digits next to the *`,
      t.pos,
    );
  }
  return { kind: leading ? "infix" : "prefix", text: core, negate: t.negate };
}

export function parseQuery(q: string): ParsedQuery {
  if (q.length > MAX_QUERY_LENGTH)
    throw new QuerySyntaxError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  const tokens = tokenize(q);
  if (tokens.length > MAX_TERMS)
    throw new QuerySyntaxError(`the query has more than ${MAX_TERMS} terms`, tokens[MAX_TERMS]!.pos);
  const terms: MatchTerm[] = [];
  const filters = new Map<string, FieldFilter>();
  for (const t of tokens) {
    if (t.field !== undefined) {
      const key = `${t.negate ? "-" : ""}${t.field}`;
      const f = filters.get(key) ?? { field: t.field, values: [], negate: t.negate };
      if (!f.values.includes(t.text)) f.values.push(t.text);
      filters.set(key, f);
      continue;
    }
    if (t.quoted) {
      terms.push({ kind: "phrase", text: t.text, negate: t.negate });
    } else if (/^\*|.\*$/.test(t.text) && t.text.replace(/\*/g, "") !== "") {
      terms.push(wildcardTerm(t));
    } else {
      terms.push({ kind: "word", text: t.text, negate: t.negate });
    }
  }
  return { terms, filters: [...filters.values()] };
}
