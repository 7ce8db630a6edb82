/**
 * Everything the reader shows lives in the URL, so every view is a permalink: query, filters, range, the focused
 * line, the context anchor and its scope. This module is the one place that reads and writes it.
 */
import { parseTimeParam } from "@/lib/query/time-range";
import type { TimeZoneChoice } from "./time-format";

/** Whose neighbours the context view shows: the same host and logger (default), the same host, or everyone. */
export type ContextScope = "source" | "host" | "all";

export type ReaderState = {
  q: string;
  /** `field:value`, `-field:value` to exclude. */
  filters: string[];
  /** As written: `now-1h`, an ISO time or epoch ms; empty for no bound. */
  from: string;
  to: string;
  /** Cursor (`<ts>_<seq>_<id>`) of the focused line. */
  focus: string;
  /** Cursor of the line whose context is open, if any. */
  ctx: string;
  scope: ContextScope;
  /** Where the list starts: `newest` (default), `oldest`, or a cursor to read down from (jump to a time). */
  start: string;
  /** Following new lines as they arrive (live tail, `live=1`). */
  live: boolean;
  /** The zone times are shown and typed in: the browser's (default) or UTC (`tz=utc`). */
  tz: TimeZoneChoice;
  /** The lines one by one (default), or grouped into templates (`view=patterns`). */
  view: ReaderView;
  /** The patterns' order: most lines first (default), or new in the range first (`psort=new`). */
  psort: "count" | "new";
};

export type ReaderView = "lines" | "patterns";

export const DEFAULT_FROM = "now-24h";

/**
 * The view as a link to share: relative times (`now-1h`) and an open end are fixed to the moment of sharing, so
 * the link shows the same lines tomorrow; it opens on the focused line (the list starts there, however deep it
 * was), without live tail. A time the reader cannot read is left as written.
 */
export function shareState(s: ReaderState, nowMs: number): ReaderState {
  const fixed = (raw: string) => {
    const ms = parseTimeParam(raw, nowMs);
    return ms === null ? raw : new Date(ms).toISOString();
  };
  return {
    ...s,
    from: s.from ? fixed(s.from) : "",
    to: fixed(s.to || "now"),
    start: s.focus ? "" : s.start,
    live: false,
  };
}

export function readState(sp: URLSearchParams): ReaderState {
  const scope = sp.get("scope");
  return {
    q: sp.get("q") ?? "",
    filters: sp.getAll("filter"),
    from: sp.get("from") ?? DEFAULT_FROM,
    to: sp.get("to") ?? "",
    focus: sp.get("focus") ?? "",
    ctx: sp.get("ctx") ?? "",
    scope: scope === "host" || scope === "all" ? scope : "source",
    start: sp.get("start") ?? "",
    live: sp.get("live") === "1",
    tz: sp.get("tz") === "utc" ? "utc" : "local",
    view: sp.get("view") === "patterns" ? "patterns" : "lines",
    psort: sp.get("psort") === "new" ? "new" : "count",
  };
}

export function writeState(s: ReaderState): URLSearchParams {
  const sp = new URLSearchParams();
  if (s.q) sp.set("q", s.q);
  for (const f of s.filters) sp.append("filter", f);
  if (s.from !== DEFAULT_FROM) sp.set("from", s.from);
  if (s.to) sp.set("to", s.to);
  if (s.start) sp.set("start", s.start);
  if (s.focus) sp.set("focus", s.focus);
  if (s.ctx) sp.set("ctx", s.ctx);
  if (s.ctx && s.scope !== "source") sp.set("scope", s.scope);
  if (s.live) sp.set("live", "1");
  if (s.tz === "utc") sp.set("tz", "utc");
  if (s.view === "patterns") sp.set("view", "patterns");
  if (s.psort === "new") sp.set("psort", "new");
  return sp;
}

/** The grep API's parameters for a state (the part every data request shares). */
export function searchParamsFor(s: Pick<ReaderState, "q" | "filters" | "from" | "to">): URLSearchParams {
  const sp = new URLSearchParams();
  if (s.q) sp.set("q", s.q);
  for (const f of s.filters) sp.append("filter", f);
  if (s.from) sp.set("from", s.from);
  if (s.to) sp.set("to", s.to);
  return sp;
}

export type FilterParts = { field: string; value: string; negate: boolean };

export function filterParts(f: string): FilterParts {
  const negate = f.startsWith("-");
  const body = negate ? f.slice(1) : f;
  const i = body.indexOf(":");
  return { field: body.slice(0, i), value: body.slice(i + 1), negate };
}

export function activeValues(filters: string[], field: string): string[] {
  return filters
    .map(filterParts)
    .filter((f) => f.field === field && !f.negate)
    .map((f) => f.value);
}

export function excludedValues(filters: string[], field: string): string[] {
  return filters
    .map(filterParts)
    .filter((f) => f.field === field && f.negate)
    .map((f) => f.value);
}

/**
 * Facet clicks: a plain click selects only this value (or clears it if it was the only one); ctrl/cmd-click
 * adds or removes it among several. Selecting a value lifts its exclusion: a line cannot be both.
 */
export function toggleFilter(filters: string[], field: string, value: string, multi: boolean): string[] {
  const key = `${field}:${value}`;
  const has = filters.includes(key);
  const rest = filters.filter((f) => f !== `-${key}`);
  if (multi) return has ? rest.filter((f) => f !== key) : [...rest, key];
  const others = rest.filter((f) => filterParts(f).field !== field || filterParts(f).negate);
  const onlyThis = activeValues(filters, field).length === 1 && has;
  return onlyThis ? others : [...others, key];
}

/**
 * "Filter for" a record's value: only lines with it. Other values of the field go, since values of one field
 * are OR'd and keeping them would widen the result instead of narrowing it.
 */
export function includeFilter(filters: string[], field: string, value: string): string[] {
  const key = `${field}:${value}`;
  return [
    ...filters.filter((f) => f !== `-${key}` && (filterParts(f).field !== field || filterParts(f).negate)),
    key,
  ];
}

/** "Filter out" a value: lines without it; a selection of that same value is lifted. */
export function excludeFilter(filters: string[], field: string, value: string): string[] {
  const key = `${field}:${value}`;
  const rest = filters.filter((f) => f !== key);
  return rest.includes(`-${key}`) ? rest : [...rest, `-${key}`];
}

/** A facet value's exclude button: excludes it, or lifts the exclusion when it is already excluded. */
export function toggleExclude(filters: string[], field: string, value: string): string[] {
  const key = `-${field}:${value}`;
  return filters.includes(key) ? filters.filter((f) => f !== key) : excludeFilter(filters, field, value);
}

/** A query narrowed by one more term (a pattern's phrases, or its exclusion). */
export function withQueryTerm(q: string, term: string): string {
  const base = q.trim();
  if (term === "") return base;
  return base ? `${base} ${term}` : term;
}
