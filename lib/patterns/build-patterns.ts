/**
 * The patterns of a sample: the sample's lines clustered (drain.ts), and per template its count, its estimated
 * count in the whole range, its levels and a series over the range's slices. The range is read in slices, each
 * with its own sample of at most a few lines and its own count of matches, so a burst in one slice cannot crowd
 * out the rest, and each slice's sample counts for as many lines as that slice matched.
 */
import { emptyLevelCounts, isNamedLevel } from "@/lib/query/histogram-levels";
import type { LevelCounts } from "@/lib/query/wire";
import { Drain, type Cluster } from "./drain";
import { maskLine, PLACEHOLDER, stackOfFields, type MaskedLine } from "./mask-line";
import { excludeQuery, templateQuery } from "./template-query";
import type { Pattern, PatternSort } from "./wire";

/** What clustering reads of a record. */
export type SampleLine = { message: string; level: string; fields?: Record<string, unknown> };

/** One slice of the range: the lines read from it, and how many it matched in all. */
export type SampleSlice = { total: number; lines: SampleLine[] };

export function maskRecord(line: SampleLine): MaskedLine {
  return maskLine(line.message, line.fields ? stackOfFields(line.fields) : undefined);
}

/** FNV-1a, 32 bits: a short stable id from a template's text. */
export function patternId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).padStart(7, "0");
}

export function templateText(c: Pick<Cluster, "tokens">): string {
  return c.tokens.join(" ");
}

const levelClass = (level: string): keyof LevelCounts => (isNamedLevel(level) ? level : "other");

export function buildPatterns(
  slices: SampleSlice[],
  options: { previous?: SampleLine[]; sort?: PatternSort; limit?: number } = {},
): { patterns: Pattern[]; sampleSize: number } {
  const drain = new Drain();
  type Acc = { levels: LevelCounts; perSlice: number[] };
  const acc = new Map<Cluster, Acc>();
  const assigned: { cluster: Cluster; slice: number }[] = [];
  let sampleSize = 0;
  slices.forEach((slice, s) => {
    for (const line of slice.lines) {
      const cluster = drain.add(maskRecord(line));
      let a = acc.get(cluster);
      if (!a) acc.set(cluster, (a = { levels: emptyLevelCounts(), perSlice: slices.map(() => 0) }));
      a.levels[levelClass(line.level)]++;
      a.perSlice[s]!++;
      assigned.push({ cluster, slice: s });
      sampleSize++;
    }
  });
  // Templates keep generalising as lines arrive, so "seen before" is asked of the final templates.
  const seenBefore = new Set<Cluster>();
  for (const line of options.previous ?? []) {
    const c = drain.match(maskRecord(line));
    if (c) seenBefore.add(c);
  }
  const patterns: Pattern[] = [];
  for (const [cluster, a] of acc) {
    const template = templateText(cluster);
    const trace = cluster.trace;
    const series = a.perSlice.map((n, s) => {
      const slice = slices[s]!;
      return slice.lines.length === 0 ? 0 : Math.round((n * slice.total) / slice.lines.length);
    });
    const count = a.perSlice.reduce((x, y) => x + y, 0);
    patterns.push({
      id: patternId(trace ? `${template}\u0000${trace.type}\u0000${trace.frame}` : template),
      template,
      ...(trace ? { trace: { ...trace } } : {}),
      count,
      estimate: series.reduce((x, y) => x + y, 0),
      share: sampleSize === 0 ? 0 : count / sampleSize,
      levels: a.levels,
      series,
      isNew: options.previous !== undefined && !seenBefore.has(cluster),
      query: templateQuery(cluster.tokens, trace),
      exclude: excludeQuery(cluster.tokens, trace),
    });
  }
  const byCount = (x: Pattern, y: Pattern) => y.count - x.count || x.template.localeCompare(y.template);
  patterns.sort(
    options.sort === "new" ? (x, y) => Number(y.isNew) - Number(x.isNew) || byCount(x, y) : byCount,
  );
  return { patterns: patterns.slice(0, options.limit ?? patterns.length), sampleSize };
}

/** Whether a line fits a pattern's template (and trace): the check after the engine found its words. */
export function lineFitsPattern(line: SampleLine, pattern: Pick<Pattern, "template" | "trace">): boolean {
  const masked = maskRecord(line);
  const tokens = pattern.template === "" ? [] : pattern.template.split(" ");
  if (tokens.length !== masked.tokens.length) return false;
  if ((pattern.trace?.type ?? "") !== (masked.trace?.type ?? "")) return false;
  if ((pattern.trace?.frame ?? "") !== (masked.trace?.frame ?? "")) return false;
  return tokens.every((t, i) => t === PLACEHOLDER || t === masked.tokens[i]);
}
