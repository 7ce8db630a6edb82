/**
 * What the query box completes at the caret, and the text it writes back. Tokens are read as the query parser
 * (lib/query/parse-query.ts) reads them, but forgivingly: an unterminated quote runs to the end, since the user is
 * still typing it. Free of server imports: the search bar uses it.
 */
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";

/** The token the caret is in: `start`–`end` is the whole token, `-` included; `prefix` is what precedes the caret. */
export type CaretToken =
  | { kind: "none" }
  | { kind: "field"; start: number; end: number; negate: boolean; prefix: string }
  | { kind: "value"; start: number; end: number; negate: boolean; field: string; prefix: string };

/** A word that could be the start of a field name. */
const FIELD_START = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** End of a quoted run that starts at `open` (a `"`), and its text up to `until`, with escapes read. */
function readQuoted(text: string, open: number, until: number): { end: number; value: string } {
  let value = "";
  let i = open + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) {
      if (i + 1 < until) value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') return { end: i + 1, value };
    if (i < until) value += c;
    i++;
  }
  return { end: text.length, value };
}

export function tokenAt(text: string, caret: number): CaretToken {
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    // Group syntax around a term is not part of it: `(host:we` completes `host:`, and `-(` negates the group.
    if (text[i] === ")" || text[i] === "|") {
      i++;
      continue;
    }
    let start = i;
    let negate = false;
    for (;;) {
      if (text[i] === "(") {
        start = ++i;
        negate = false;
      } else if (!negate && text[i] === "-" && i + 1 < text.length && !/\s/.test(text[i + 1]!)) {
        negate = true;
        i++;
      } else break;
    }
    if (start >= caret) break;
    if (text[i] === '"') {
      const { end } = readQuoted(text, i, caret);
      if (caret <= end) return { kind: "none" };
      i = end;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s"|)]/.test(text[j]!)) j++;
    const word = text.slice(i, j);
    const colon = word.indexOf(":");
    const field = colon > 0 ? word.slice(0, colon) : "";
    const isField = colon > 0 && FIELD_NAME_PATTERN.test(field) && !word.startsWith("//", colon + 1);
    let end = j;
    let value = word.slice(colon + 1, Math.max(colon + 1, caret - i));
    if (isField && colon === word.length - 1 && text[j] === '"') {
      const quoted = readQuoted(text, j, caret);
      end = quoted.end;
      value = quoted.value;
    }
    if (caret <= end) {
      if (isField) {
        if (caret <= i + colon) return { kind: "none" };
        return { kind: "value", start, end, negate, field, prefix: value };
      }
      const prefix = word.slice(0, caret - i);
      if (!FIELD_START.test(prefix)) return { kind: "none" };
      return { kind: "field", start, end, negate, prefix };
    }
    i = end;
  }
  return { kind: "none" };
}

/**
 * A value as a `field:` term writes it: bare when the parser reads it back whole, otherwise in quotes with `"`
 * and `\` escaped. Whitespace and `"` end a bare value, and `field://…` reads as a URL, not a field.
 */
export function quoteValue(value: string): string {
  // Quoted where the parser would read syntax: a space, `|` or a parenthesis anywhere; a comparison, range,
  // `=`, `*` (presence) or `/` (a regular expression, or a URL's `//`) at the start.
  if (value !== "" && !/[\s"|()]/.test(value) && !/^[<>[=*/]/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export type Completion = { text: string; caret: number };

/** `field:` in place of the token, the caret after the colon, ready for a value. */
export function completeField(
  text: string,
  token: CaretToken & { kind: "field" },
  field: string,
): Completion {
  const term = `${token.negate ? "-" : ""}${field}:`;
  return {
    text: text.slice(0, token.start) + term + text.slice(token.end),
    caret: token.start + term.length,
  };
}

/** `field:value` in place of the token, and a space after it, the caret past the space for the next term. */
export function completeValue(
  text: string,
  token: CaretToken & { kind: "value" },
  value: string,
): Completion {
  const term = `${token.negate ? "-" : ""}${token.field}:${quoteValue(value)}`;
  const rest = text.slice(token.end);
  const after = /^\s/.test(rest) ? rest : ` ${rest}`;
  return { text: text.slice(0, token.start) + term + after, caret: token.start + term.length + 1 };
}
