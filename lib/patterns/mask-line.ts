/**
 * A log line as the pattern clustering sees it: the variable parts that every template would turn into
 * placeholders anyway (numbers, hex ids, UUIDs, IPs, paths, URLs, quoted strings) masked before clustering, so
 * lines that differ only there start out equal, and a multi-line stack trace reduced to its first line plus what
 * tells one failure from another: the exception's type and the frame it was raised in.
 */

/** What a variable part of a line becomes in a template. */
export const PLACEHOLDER = "<_>";

/** A line ready for clustering: its masked tokens, and for a stack trace what kind of failure it reports. */
export type MaskedLine = { tokens: string[]; trace?: TraceSignature };

/** The failure a stack trace reports: the exception's type, and the frame it was raised in (innermost). */
export type TraceSignature = { type: string; frame: string };

const P = PLACEHOLDER;

/**
 * In order: a mask must run before those that would cut its match into pieces (a UUID holds hex and numbers, a
 * path holds numbers, a quoted string holds anything).
 */
const MASKS: [RegExp, string][] = [
  // Double quotes always pair in log text; single quotes only around a word, so "can't" stays whole.
  [/"(?:[^"\\]|\\.)*"/g, `"${P}"`],
  [/(?<![\w'])'[^'\s][^'\n]*?'(?![\w'])/g, `'${P}'`],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, P],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi, P],
  [/(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\w.])/g, P],
  [/(?<![\w/])(?:~|\.{1,2})?(?:\/[\w.@%+~-]+){2,}\/?(?:\?[^\s"'()]*)?/g, P],
  [/(?<![\w/])\/[\w.@%+~-]*[?][^\s"'()]*/g, P],
  [/\b0x[0-9a-f]+\b/gi, P],
  // A hex id is long, and has both digits and letters (a word like "deadbeef" or a number alone is not one).
  [/(?<![A-Za-z0-9])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}(?![A-Za-z0-9])/gi, P],
  [/(?<![A-Za-z0-9])(?=[0-9A-F]*\d)(?=[0-9A-F]*[A-F])[0-9A-F]{6,}(?![A-Za-z0-9])/g, P],
  // Numbers stuck to a word's end stay ("python3", "utf8"); before a unit they go ("5000ms", "3.9G").
  // A minus is a sign only where a word cannot end before it ("blk_-42", "= -1", not "HikariPool-1").
  [/(?<![A-Za-z0-9])(?:(?<=^|[\s_=:([,])-)?\d+(?:[.,]\d+)*/g, P],
];

export function maskText(text: string): string {
  let out = text;
  for (const [re, to] of MASKS) out = out.replace(re, to);
  return out;
}

export function tokenize(masked: string): string[] {
  return masked.split(/\s+/).filter((t) => t !== "");
}

const PY_FRAME = /^\s+File "[^"]*", line \d+, in (\S+)/;
const AT_FRAME = /^\s+at (?:async )?(\S+)/;
/** A name that reads as an exception's type: dotted, or ending the way exception names end. */
const EXCEPTION_NAME =
  /(?<![\w.$])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:Error|Exception|Exit|Interrupt|Warning|Fault|Failure|Detected|Timeout))(?=:|\s*$)/;
const HEAD_EXCEPTION = /(^|: )([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?=:(?:\s|$)|\s*$)/;
const LEADING_NAME = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?=:|\s*$)/;

/**
 * The trace of a multi-line message: the exception's type and innermost frame, and where in the first line the
 * exception starts when the message is "what failed: <the stack>" (so that head stays the same as when the stack
 * is logged apart). Undefined when the text has no stack frames.
 */
export function traceOf(lines: string[]): (TraceSignature & { headCut?: number }) | undefined {
  const pyFrames: number[] = [];
  const atFrames: number[] = [];
  lines.forEach((l, i) => {
    if (PY_FRAME.test(l)) pyFrames.push(i);
    else if (AT_FRAME.test(l)) atFrames.push(i);
  });
  if (pyFrames.length > 0) {
    // Python prints the innermost frame last, and the exception after its source line.
    const last = pyFrames[pyFrames.length - 1]!;
    const frame = PY_FRAME.exec(lines[last]!)![1]!;
    let k = last + 1;
    while (k < lines.length && /^\s/.test(lines[k]!)) k++;
    const excLine = lines[k] ?? "";
    const type = LEADING_NAME.exec(excLine)?.[1] ?? EXCEPTION_NAME.exec(excLine)?.[1] ?? "Exception";
    return { type, frame };
  }
  if (atFrames.length > 0) {
    // Node and the JVM print the exception first, then the innermost frame.
    const first = atFrames[0]!;
    const frame = AT_FRAME.exec(lines[first]!)![1]!.replace(/\(.*$/, "");
    const excIndex = Math.max(0, first - 1);
    const excLine = lines[excIndex]!;
    if (excIndex > 0) {
      const type = LEADING_NAME.exec(excLine)?.[1] ?? EXCEPTION_NAME.exec(excLine)?.[1] ?? "Error";
      return { type, frame };
    }
    // "what failed: TypeError: the reason": the first name between ": " and ":" is where the stack begins.
    const named = HEAD_EXCEPTION.exec(excLine);
    if (!named) return { type: "Error", frame };
    return { type: named[2]!, frame, headCut: named.index + named[1]!.length };
  }
  return undefined;
}

/**
 * A template is read at a glance: past this a first line's tail adds nothing to it, and a megabyte line would
 * cost the masks a megabyte of work each.
 */
const MAX_HEAD_CHARS = 2_000;
/** The lines of a message searched for a stack's frames. */
const MAX_LINES = 400;

/** The line to cluster: the message's first line masked, and the trace of the message or of `stack`. */
export function maskLine(message: string, stack?: string): MaskedLine {
  const lines = message.split(/\r?\n/, MAX_LINES);
  let head = (lines[0] ?? "").slice(0, MAX_HEAD_CHARS);
  let trace = traceOf(lines);
  if (trace?.headCut !== undefined) head = head.slice(0, trace.headCut);
  if (!trace && stack) trace = traceOf(stack.split(/\r?\n/, MAX_LINES));
  // Before a stack, "failed:" and "failed" say the same.
  if (trace) head = head.replace(/[\s:;,-]+$/, "");
  const tokens = tokenize(maskText(head));
  return trace ? { tokens, trace: { type: trace.type, frame: trace.frame } } : { tokens };
}

/** The string fields producers keep a stack trace in when the message does not carry it. */
export function stackOfFields(fields: Record<string, unknown>): string | undefined {
  for (const key of ["exc_info", "stack", "stack_trace", "stacktrace", "exception"]) {
    const v = fields[key];
    if (typeof v === "string" && v.includes("\n")) return v;
  }
  for (const key of ["err", "error"]) {
    const v = fields[key];
    if (v && typeof v === "object" && typeof (v as { stack?: unknown }).stack === "string")
      return (v as { stack: string }).stack;
  }
  return undefined;
}
