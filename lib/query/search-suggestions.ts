/**
 * Suggestions for the reader's query box: the field names a `field:value` term can name, and a field's values.
 * Values are the ones the collector tracks in Redis for the facets (lib/collector/field-values.ts), so a value
 * suggested is one that was seen; they are ranked by how many lines in the range have them, which Redis does
 * not know (it keeps when each was last seen), so one engine GROUP BY counts the candidates.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { facetCountsSql, FIELD_NAME_PATTERN } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { countsOf } from "./search-facets";
import { onQueryTables, type QueryTarget } from "./query-tables";
import type { SuggestParams } from "./reader-schema";
import type { FacetValue } from "./wire";

/** Tracked values read per request: what the collector keeps per column by default (VALUES_PER_COLUMN). */
export const SUGGEST_TRACKED_VALUES = 1000;
/** Matching values counted in the engine, most recently seen first; one IN() list stays this short. */
export const SUGGEST_CANDIDATES = 200;

const startsWith = (text: string, prefix: string) => text.toLowerCase().startsWith(prefix.toLowerCase());

/**
 * The filterable fields a query can name (`FIELD_NAME_PATTERN`), in facet order, whose name starts with `prefix`
 * (any case).
 */
export function matchingFields(fields: string[], prefix: string, limit: number): string[] {
  return fields.filter((f) => FIELD_NAME_PATTERN.test(f) && startsWith(f, prefix)).slice(0, limit);
}

/** Tracked values (most recently seen first) that start with `prefix`, any case; at most SUGGEST_CANDIDATES. */
export function candidateValues(tracked: string[], prefix: string): string[] {
  return tracked.filter((v) => startsWith(v, prefix)).slice(0, SUGGEST_CANDIDATES);
}

/** Candidates by count in the range, most frequent first; ties (and zeros) keep the most recently seen first. */
export function rankValues(candidates: string[], counts: Map<string, number>, limit: number): FacetValue[] {
  return candidates
    .map((value, seen) => ({ value, count: counts.get(value) ?? 0, seen }))
    .sort((a, b) => b.count - a.count || a.seen - b.seen)
    .slice(0, limit)
    .map(({ value, count }) => ({ value, count }));
}

export type SuggestSources = {
  engine: Engine;
  /** The field's tracked values, most recently seen first. */
  trackedValues: (field: string, limit: number) => Promise<string[]>;
};

/** Values of `field` for the box after `field:`: tracked ones starting with the prefix, most frequent first. */
export async function suggestValues(
  sources: SuggestSources,
  index: QueryTarget,
  field: string,
  params: Pick<SuggestParams, "prefix" | "limit" | "from" | "to">,
): Promise<FacetValue[]> {
  const candidates = candidateValues(
    await sources.trackedValues(field, SUGGEST_TRACKED_VALUES),
    params.prefix,
  );
  if (candidates.length === 0) return [];
  const [rows = []] = await onQueryTables(index, { fromMs: params.from, toMs: params.to }, (tables) =>
    runStatements(sources.engine, [
      facetCountsSql({
        tables,
        match: null,
        filters: [{ field, values: candidates, negate: false }],
        fromMs: params.from,
        toMs: params.to,
        field,
        limit: candidates.length + 1,
      }),
    ]),
  );
  return rankValues(candidates, countsOf(rows), params.limit);
}
