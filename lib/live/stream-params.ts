/**
 * /stream's parameters, Logio style: every parameter is a regular expression over one field, unanchored
 * (`re.search`: `proc=web` matches `web-1` and `myweb`) and case-sensitive. `app` is over index names, `proc`
 * over the record's logger, `host` over its host, any other name over that JSON field (a string, or a number
 * written in decimal). Repeating a parameter ANDs the patterns.
 *
 * JavaScript regexes backtrack, so a pattern is refused (400) unless it stays in a subset that runs in linear
 * time on these short values: at most 200 characters, no backreferences or lookaround, and no quantified group
 * that holds a quantifier or an alternation (`(a+)+`, `(a|aa)*`). Values are looked at up to 1024 characters.
 */
import { z } from "zod";
import { FIELD_NAME_PATTERN } from "@/lib/engine/sphinxql-dialect";
import type { LogRecord } from "@/lib/query/wire";

export const MAX_PATTERN_LENGTH = 200;
const MAX_VALUE_LENGTH = 1024;

/** Why a pattern may take more than linear time, or null when it is in the safe subset. */
export function unsafePattern(src: string): string | null {
  if (src.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  if (/\\[1-9]|\\k</.test(src)) return "backreferences are not supported";
  type Group = { quantified: boolean; alternation: boolean };
  const stack: Group[] = [{ quantified: false, alternation: false }];
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    const top = stack[stack.length - 1]!;
    if (c === "[") inClass = true;
    else if (c === "|") top.alternation = true;
    else if (c === "(") {
      if (/^\(\?<?[=!]/.test(src.slice(i))) return "lookahead and lookbehind are not supported";
      stack.push({ quantified: false, alternation: false });
    } else if (c === ")") {
      const group = stack.length > 1 ? stack.pop()! : top;
      const next = src[i + 1];
      const repeats =
        next === "*" || next === "+" || (next === "{" && /^\{\d*,\d*\}|^\{\d{2,}\}/.test(src.slice(i + 1)));
      if (repeats && (group.quantified || group.alternation))
        return "a repeated group may not contain a quantifier or | (it can take exponential time)";
      if (group.quantified || repeats) stack[stack.length - 1]!.quantified = true;
    } else if (c === "*" || c === "+" || c === "?" || (c === "{" && /^\{\d+(,\d*)?\}/.test(src.slice(i)))) {
      top.quantified = true;
    }
  }
  return null;
}

export type StreamFilter = { app: RegExp[]; fields: { field: string; patterns: RegExp[] }[] };

const FIELD_OF: Record<string, string> = { proc: "logger", host: "host" };

export const streamParamsSchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .transform((params, ctx): StreamFilter => {
    const out: StreamFilter = { app: [], fields: [] };
    for (const [name, value] of Object.entries(params)) {
      const field = name === "app" ? "app" : (FIELD_OF[name] ?? name);
      if (field !== "app" && !FIELD_NAME_PATTERN.test(field)) {
        ctx.addIssue({ code: "custom", message: `${name.slice(0, 64)}: not a field name` });
        continue;
      }
      const patterns: RegExp[] = [];
      for (const src of Array.isArray(value) ? value : [value]) {
        const why = unsafePattern(src);
        if (why) {
          ctx.addIssue({ code: "custom", message: `${name}: ${why}` });
          continue;
        }
        try {
          patterns.push(new RegExp(src, "u"));
        } catch (err) {
          ctx.addIssue({ code: "custom", message: `${name}: ${(err as Error).message}` });
        }
      }
      if (field === "app") out.app.push(...patterns);
      else out.fields.push({ field, patterns });
    }
    return out;
  });

function valueOf(r: LogRecord, field: string): string | null {
  if (field === "logger" || field === "host") return r[field];
  const v = Object.hasOwn(r.fields, field) ? r.fields[field] : undefined;
  if (typeof v === "string") return v.slice(0, MAX_VALUE_LENGTH);
  if (typeof v === "number") return String(v);
  return null;
}

export function matchesApp(filter: StreamFilter, index: string): boolean {
  return filter.app.every((p) => p.test(index));
}

/** Whether a record passes every field pattern (a record without the field does not). */
export function matchesStream(filter: StreamFilter, r: LogRecord): boolean {
  for (const { field, patterns } of filter.fields) {
    const v = valueOf(r, field);
    if (v === null || !patterns.every((p) => p.test(v))) return false;
  }
  return true;
}
