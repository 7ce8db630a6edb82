/**
 * What an alert rule counts: the records of its index that match its query in one window, in total or per value
 * of its groupBy field. The reader's own aggregate paths: the histogram's count for a total (one GROUP BY over the
 * window, no rows read), the facets' per-value count for groups.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { compileMatch, facetCountsSql } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { parseQuery } from "@/lib/query/parse-query";
import { onQueryTables, type QueryTarget } from "@/lib/query/query-tables";
import { countsOf } from "@/lib/query/search-facets";
import { searchHistogram } from "@/lib/query/search-histogram";

/** The most groups one evaluation counts, the most frequent first: beyond them a group is not seen. */
export const MAX_GROUPS = 100;

/** The key of the one "group" of a rule without groupBy. */
export const NO_GROUP = "";

export type CountedWindow = { fromMs: number; toMs: number };

/** Matches per group (`NO_GROUP` alone without groupBy) in [fromMs, toMs], both inclusive. */
export async function countWindow(
  engine: Engine,
  target: QueryTarget,
  rule: { query: string; groupBy: string | null },
  window: CountedWindow,
): Promise<Map<string, number>> {
  const { fromMs, toMs } = window;
  if (rule.groupBy === null) {
    const h = await searchHistogram(engine, target, {
      q: rule.query,
      filter: [],
      from: fromMs,
      to: toMs,
      buckets: 1,
    });
    return new Map([[NO_GROUP, h.total]]);
  }
  const field = rule.groupBy;
  const parsed = parseQuery(rule.query);
  const [rows = []] = await onQueryTables(target, { fromMs, toMs }, (tables) =>
    runStatements(engine, [
      facetCountsSql({
        tables,
        match: compileMatch(parsed.terms),
        filters: parsed.filters,
        fromMs,
        toMs,
        field,
        limit: MAX_GROUPS,
      }),
    ]),
  );
  return countsOf(rows);
}
