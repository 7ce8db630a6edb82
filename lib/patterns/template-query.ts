/**
 * A template as a reader query, so that filtering by a pattern runs in the engine and pages like any other query:
 * the template's runs of fixed tokens as quoted phrases (all must be present), and the exception type and frame
 * of a stack trace as words. Tokens that hold a placeholder are left out whole: the engine indexes "5000ms" as one
 * word, so the "ms" of "<_>ms" would find nothing.
 */
import { PLACEHOLDER, type TraceSignature } from "./mask-line";

/** A phrase as parse-query reads it: in double quotes, `"` and `\` escaped with a backslash. */
export function quotePhrase(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Letters or digits: what the engine indexes as words; a run of punctuation alone would be an empty phrase. */
const hasWord = (s: string) => /[\p{L}\p{N}]/u.test(s);

/** The runs of consecutive fixed tokens that hold a word, in order. */
export function fixedRuns(tokens: readonly string[]): string[] {
  const runs: string[] = [];
  let run: string[] = [];
  const flush = () => {
    const text = run.join(" ");
    if (hasWord(text)) runs.push(text);
    run = [];
  };
  for (const t of tokens) {
    if (t.includes(PLACEHOLDER)) flush();
    else run.push(t);
  }
  flush();
  return runs;
}

function traceWords(trace: TraceSignature | undefined): string[] {
  if (!trace) return [];
  return [trace.type, trace.frame].filter((w) => hasWord(w) && !w.includes(PLACEHOLDER));
}

/** The query that finds a template's lines: every fixed run as a phrase. Empty for a template of placeholders. */
export function templateQuery(tokens: readonly string[], trace?: TraceSignature): string {
  return [...fixedRuns(tokens), ...traceWords(trace)].map(quotePhrase).join(" ");
}

/**
 * The query that leaves a template's lines out: its longest fixed run negated. A line of another template that
 * holds the same phrase goes too; one phrase is what the query language can negate (it has no NOT of an AND).
 */
export function excludeQuery(tokens: readonly string[], trace?: TraceSignature): string {
  const runs = [...fixedRuns(tokens), ...traceWords(trace)];
  if (runs.length === 0) return "";
  const longest = runs.reduce((a, b) => (b.length > a.length ? b : a));
  return `-${quotePhrase(longest)}`;
}
