/** GET /api/grep/<logger>/patterns (docs/API.md "Patterns"). Types only, so the reader can import them. */
import type { LevelCounts } from "@/lib/query/wire";

export type PatternSort = "count" | "new";

export type Pattern = {
  /** Stable for the same template text and trace: a permalink can name it. */
  id: string;
  /** The first line's template, variable parts as `<_>`. */
  template: string;
  /** For a stack trace: the exception's type and the frame it was raised in. */
  trace?: { type: string; frame: string };
  /** Lines of the sample in this template. */
  count: number;
  /** Lines in the whole range estimated from the sample: each slice's count scaled by its matches. */
  estimate: number;
  /** count / sampleSize. */
  share: number;
  levels: LevelCounts;
  /** Estimated lines per slice of the range, oldest first (one number per entry of `slices`). */
  series: number[];
  /** Not seen in the sample of the previous window of the same length. */
  isNew: boolean;
  /** The reader query that finds the template's lines (its fixed words as phrases); "" when it has none. */
  query: string;
  /** The reader query term that leaves them out. */
  exclude: string;
};

export type PatternsResult = {
  from: number;
  to: number;
  sort: PatternSort;
  /** Start of each slice the range was read in; every slice is `sliceMs` long. */
  slices: number[];
  sliceMs: number;
  /** Lines read and clustered. */
  sampleSize: number;
  /** Matches of the query in the range. */
  total: number;
  patterns: Pattern[];
  tookMs: number;
};
