/**
 * Regular expressions in the query language (`/re/`, `/re/i`, `field:/re/`), RE2 syntax, run by a linear-time
 * engine (re2js): no pattern can make a search take more than linear time in the text it reads. Sphinx 2.2 has no
 * REGEX(), so the engine is given the words every match must contain (`regexLiterals`) and the expression is
 * tested here on the rows it returns (search-records.ts reads them within a scan budget); the live matcher
 * tests it the same way.
 */
import { RE2JS } from "re2js";
import { isAttributeField, type MatchTerm } from "@/lib/engine/sphinxql-dialect";
import { stripSgr } from "@/lib/records/terminal-escapes";
import type { LogRecord } from "./wire";

export const MAX_REGEX_LENGTH = 512;

/** One regular expression of a query: over the message (`field` null) or one field's value. */
export type RegexFilter = { field: string | null; pattern: string; ignoreCase: boolean; negate: boolean };

/** Why a pattern is refused, or null: what RE2 does not have, said plainly, else RE2's own words. */
export function regexProblem(pattern: string): string | null {
  if (pattern.length > MAX_REGEX_LENGTH) return `longer than ${MAX_REGEX_LENGTH} characters`;
  if (/(^|[^\\])(\\\\)*\\([1-9]|k<)/.test(pattern))
    return "backreferences (\\1, \\k<name>) are not supported";
  if (/\(\?<?[=!]/.test(pattern)) return "lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported";
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, "");
  }
}

const WORD_RUN = /[A-Za-z0-9_]+/g;
const MIN_LITERAL = 3;

/**
 * Words every match of the pattern contains, as infix terms (`*word*`: min_infix_len is 3): runs of ASCII
 * letters, digits and `_` that stand outside groups, classes and alternations, not made optional by a
 * quantifier. A match's text holds each run, so a token of the indexed message (a maximal run of the charset's
 * characters, or a part of a blended one) contains it: the engine's candidates hold every match. With `i`, `k`
 * and `s` end a run: RE2 folds them with the Kelvin sign and the long s, which the engine's charset separates.
 */
export function regexLiterals(pattern: string, caseFlag: boolean): MatchTerm[] {
  const ignoreCase = caseFlag || /\(\?[a-zA-Z]*i/.test(pattern);
  const runs: string[] = [];
  let run = "";
  let depth = 0;
  const flush = () => {
    if (run) runs.push(run);
    run = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (depth === 0 && c === "|") return [];
    if (c === "\\") {
      flush();
      i = escapeEnd(pattern, i);
      continue;
    }
    if (c === "{" && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) {
      flush();
      i = pattern.indexOf("}", i);
      continue;
    }
    if (c === "[") {
      flush();
      // A class, to its closing bracket (a `]` first in it, or escaped, is a member).
      let j = i + 1;
      if (pattern[j] === "^") j++;
      if (pattern[j] === "]") j++;
      while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
      i = j;
      continue;
    }
    if (c === "(") {
      flush();
      depth++;
      continue;
    }
    if (c === ")") {
      flush();
      depth = Math.max(0, depth - 1);
      continue;
    }
    const literal = /[A-Za-z0-9_]/.test(c) && !(ignoreCase && /[ksKS]/.test(c));
    if (depth > 0 || !literal) {
      flush();
      continue;
    }
    const optional = next === "*" || next === "?" || (next === "{" && /^\{0[,}]/.test(pattern.slice(i + 1)));
    if (optional) {
      flush();
      continue;
    }
    run += c;
    if (next === "+" || next === "{") flush();
  }
  flush();
  const words = runs.flatMap((r) => r.match(WORD_RUN) ?? []).filter((w) => w.length >= MIN_LITERAL);
  return [...new Set(words.map((w) => w.toLowerCase()))].map((w) => ({
    kind: "infix",
    text: w,
    negate: false,
  }));
}

/** The index of an escape's last character: `\\x41`, `\\x{263a}`, `\\p{Greek}`, `\\pL`, `\\123`, `\\Q…\\E` whole. */
function escapeEnd(pattern: string, i: number): number {
  const n = pattern[i + 1];
  if ((n === "x" || n === "p" || n === "P") && pattern[i + 2] === "{") {
    const close = pattern.indexOf("}", i);
    return close < 0 ? pattern.length : close;
  }
  if (n === "x") return i + 3;
  if (n === "p" || n === "P") return i + 2;
  if (n === "Q") {
    const end = pattern.indexOf("\\E", i + 2);
    return end < 0 ? pattern.length : end + 1;
  }
  if (n !== undefined && /[0-7]/.test(n)) {
    let j = i + 1;
    while (j + 1 < pattern.length && /[0-7]/.test(pattern[j + 1]!)) j++;
    return j;
  }
  return i + 1;
}

function fieldTexts(r: LogRecord, field: string): string[] {
  if (isAttributeField(field)) return [r[field]];
  const v = Object.hasOwn(r.fields, field) ? r.fields[field] : undefined;
  const text = (x: unknown) => (typeof x === "string" ? [x] : typeof x === "number" ? [String(x)] : []);
  return Array.isArray(v) ? v.flatMap(text) : text(v);
}

/**
 * The query's regular expressions as one predicate (all must hold), or null without any. The message is
 * tested without its colour sequences, as a reader sees it; a field by its text (a number in decimal, a list by
 * any element).
 */
export function compileRegexFilters(filters: RegexFilter[] | undefined): ((r: LogRecord) => boolean) | null {
  if (!filters?.length) return null;
  const tests = filters.map((f) => {
    const re = RE2JS.compile(f.pattern, f.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
    const field = f.field;
    const found =
      field === null
        ? (r: LogRecord) => re.matcher(stripSgr(r.message)).find()
        : (r: LogRecord) => fieldTexts(r, field).some((t) => re.matcher(t).find());
    return f.negate ? (r: LogRecord) => !found(r) : found;
  });
  return (r) => tests.every((t) => t(r));
}
