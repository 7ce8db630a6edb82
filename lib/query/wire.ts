/**
 * The reader API's JSON answers (docs/API.md), defined once for the routes that write them and for the reader
 * and the CLI that read them. Types only and free of server imports, so client components can import it.
 */

export type LogRecord = {
  id: string;
  ts: number;
  /** Decimal: the line's place among its source's lines of the same millisecond (docs/API.md "Order"). */
  seq: string;
  time: string;
  message: string;
  level: string;
  logger: string;
  host: string;
  fields: Record<string, unknown>;
  /** [start, end) offsets into `message`, in UTF-16 code units (JavaScript string indexes). */
  highlights: [number, number][];
};

/** GET /api/grep/<logger>: one page of a query, newest first. */
export type GrepResult = {
  records: LogRecord[];
  /** `older`: pass as `before` for the next page down; null at the end. `newer`: pass as `after` to page up. */
  cursors: { older: string | null; newer: string | null };
  /**
   * Matches in the range beyond the cursor in the page's direction (the whole range on a first page). When the
   * page filled from the time nearest its edge (the last minutes, or the day), the rest was not read: `total`
   * counts only what was read and `totalComplete` is false (the histogram has the full count).
   */
  total: number;
  totalComplete: boolean;
  /**
   * Only for a query with a regular expression, tested on the rows the engine returns: how many were read, and
   * whether the scan budget ran out before the page filled (the cursor then resumes after the last row read).
   */
  scanned?: number;
  truncated?: boolean;
  tookMs: number;
};

/**
 * The histogram's level classes: the four levels the bars stack by name, and `other` for every other level
 * (trace, notice, fatal, names the collector does not know) and for lines without one.
 */
export type HistogramLevel = "error" | "warn" | "info" | "debug" | "other";
export type LevelCounts = Record<HistogramLevel, number>;

/** GET /api/grep/<logger>/histogram. */
export type Histogram = {
  from: number;
  to: number;
  bucketMs: number;
  /**
   * Ascending and contiguous: `t` is the bucket's start (ms), zero-count buckets included; `count` is the sum of
   * `levels`.
   */
  buckets: { t: number; count: number; levels: LevelCounts }[];
  total: number;
  /** The range's matches per level class: the sums of the buckets' `levels`. */
  levels: LevelCounts;
  /** With a regular expression: rows read, and whether the scan budget ended the count (newest rows first). */
  scanned?: number;
  truncated?: boolean;
};

export type FacetValue = { value: string; count: number };
export type Facet = { field: string; values: FacetValue[] };
/** GET /api/grep/<logger>/facets. */
export type Facets = {
  facets: Facet[];
  /** With a regular expression: rows read, and whether the scan budget ended the counts (newest rows first). */
  scanned?: number;
  truncated?: boolean;
};

/** GET /api/grep/<logger>/suggest: field names, or (with `field`) that field's values, most frequent first. */
export type Suggestions = { fields: string[] } | { field: string; values: FacetValue[] };

/** GET /api/grep/<logger>/context: the lines around one record. */
export type ContextResult = {
  /** Oldest first. */
  records: LogRecord[];
  anchorId: string;
  /**
   * `older`: the oldest record's position when older records exist (pass as `at` with `after=0`), else null.
   * `newer`: the newest record's position when newer records exist (pass as `at` with `before=0`), else null.
   */
  cursors: { older: string | null; newer: string | null };
};
