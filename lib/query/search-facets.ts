/**
 * Facets for the reader's sidebar: for each filtered column, its values with the number of matches each would
 * have. Standard multi-select faceting: a column's own `filter` parameters are left out of its counts (so picking
 * `host:web-01` still shows how many lines the other hosts have), every other filter and the query apply. Field
 * terms written inside `q` always apply.
 *
 * Values are the ones tracked in Redis (most recently seen first; zero when nothing in range matches) plus the
 * engine's most frequent values that Redis does not track. One engine round trip with a GROUP BY per column; a
 * second one only for columns with more distinct values than one GROUP BY returns, to count the tracked values
 * the first did not reach.
 */
import type { Engine } from "@/lib/engine/engine-client";
import {
  ATTRIBUTE_FIELDS,
  compileMatch,
  facetCountsSql,
  FIELD_NAME_PATTERN,
  isAttributeField,
  isExpressibleField,
  type FieldFilter,
} from "@/lib/engine/sphinxql-dialect";
import { runStatements, type Row } from "@/lib/engine/run-statements";
import { parseQuery } from "./parse-query";
import type { FacetsParams } from "./reader-schema";
import { onQueryTables, type QueryTarget } from "./query-tables";
import { compileRecordMatcher } from "@/lib/query/record-matcher";
import { mergeFilters, scanMatches } from "./search-records";
import type { Facets, FacetValue } from "./wire";

/** Tracked values read from Redis per column, and engine values beyond them, per facet. */
export const FACET_TRACKED_VALUES = 50;
export const FACET_EXTRA_VALUES = 50;
/** Groups one GROUP BY returns; beyond this many distinct values the tracked ones are counted separately. */
export const FACET_GROUPS = 1000;
/** The collector does not track longer values (lib/collector/field-values.ts); the facets skip them too. */
const MAX_VALUE_LENGTH = 256;

/**
 * Facet order: level, logger, host first (when filtered), then the other columns by name. A column the engine
 * cannot name (empty, or over 128 characters) has no facet.
 */
export function facetFields(columns: { name: string; filtered: boolean }[]): string[] {
  const names = columns.filter((c) => c.filtered && isExpressibleField(c.name)).map((c) => c.name);
  const first = ATTRIBUTE_FIELDS.filter((f) => names.includes(f));
  const rest = names.filter((n) => !isAttributeField(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...first, ...rest];
}

/**
 * An engine group key as the text the collector tracks: numbers as JavaScript prints them (the engine prints
 * JSON floats as `1.500000`), null for records without the field, arrays and objects skipped.
 */
export function facetValueText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return String(v);
  if (typeof v !== "string" || v === "" || v.length > MAX_VALUE_LENGTH) return null;
  if (/^-?\d+\.\d{6}$/.test(v)) return String(Number(v));
  if (/^[[{]/.test(v)) {
    try {
      JSON.parse(v);
      return null;
    } catch {
      return v;
    }
  }
  return v;
}

const byCountThenValue = (a: FacetValue, b: FacetValue) =>
  b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

/** Tracked values with their counts (0 if none), plus the most frequent untracked ones; by count, then value. */
export function mergeFacetValues(
  tracked: string[],
  counts: Map<string, number>,
  extra = FACET_EXTRA_VALUES,
): FacetValue[] {
  const known = new Set(tracked);
  const untracked = [...counts]
    .filter(([value]) => !known.has(value))
    .map(([value, count]) => ({ value, count }))
    .sort(byCountThenValue)
    .slice(0, extra);
  return [...known]
    .map((value) => ({ value, count: counts.get(value) ?? 0 }))
    .concat(untracked)
    .sort(byCountThenValue);
}

/** Counts per value text from facetCountsSql's rows; numbers and their string twins add up to one value. */
export function countsOf(rows: Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const value = facetValueText(r.facet_value);
    if (value !== null) counts.set(value, (counts.get(value) ?? 0) + Number(r.facet_count));
  }
  return counts;
}

export type FacetSources = {
  engine: Engine;
  /** The column's tracked values, most recently seen first. */
  trackedValues: (field: string) => Promise<string[]>;
};

export async function searchFacets(
  sources: FacetSources,
  index: QueryTarget,
  fields: string[],
  params: FacetsParams,
): Promise<Facets> {
  if (fields.length === 0) return { facets: [] };
  if (parseQuery(params.q).regexes) return facetsByScan(sources, index, fields, params);
  return onQueryTables(index, { fromMs: params.from, toMs: params.to }, (tables) =>
    facetsOn(sources, tables, fields, params),
  );
}

/**
 * Facets of a query with a regular expression, which the engine cannot test: counted on the matches the scan
 * finds (the query's own terms applied), each column with the other columns' `filter` parameters.
 */
async function facetsByScan(
  sources: FacetSources,
  index: QueryTarget,
  fields: string[],
  params: FacetsParams,
): Promise<Facets> {
  const [tracked, scan] = await Promise.all([
    Promise.all(fields.map((f) => sources.trackedValues(f))),
    scanMatches(sources.engine, index, { ...params, filter: [] }),
  ]);
  const facets = fields.map((field, i) => {
    const others = mergeFilters(
      [],
      params.filter.filter((f) => f.field !== field),
    );
    const passes = compileRecordMatcher({ terms: [], filters: others }).matches;
    const counts = new Map<string, number>();
    for (const r of scan.records) {
      if (!passes(r)) continue;
      const raw = isAttributeField(field)
        ? r[field]
        : Object.hasOwn(r.fields, field)
          ? r.fields[field]
          : null;
      const value = facetValueText(raw);
      if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return { field, values: mergeFacetValues(tracked[i]!, counts) };
  });
  return { facets, scanned: scan.scanned, truncated: scan.truncated };
}

async function facetsOn(
  sources: FacetSources,
  tables: string[],
  fields: string[],
  params: FacetsParams,
): Promise<Facets> {
  const parsed = parseQuery(params.q);
  const scope = {
    tables,
    match: compileMatch(parsed.terms, parsed.text),
    conditions: parsed.conditions,
    fromMs: params.from,
    toMs: params.to,
  };
  const filtersFor = (field: string): FieldFilter[] =>
    mergeFilters(
      parsed.filters,
      params.filter.filter((f) => f.field !== field),
    );

  const [tracked, sets] = await Promise.all([
    Promise.all(fields.map((f) => sources.trackedValues(f))),
    runStatements(
      sources.engine,
      fields.map((field) =>
        facetCountsSql({ ...scope, filters: filtersFor(field), field, limit: FACET_GROUPS }),
      ),
    ),
  ]);
  const counts = sets.map(countsOf);

  // Columns whose groups were cut off: count the tracked values the cut left out, restricted to those values.
  const second = fields.flatMap((field, i) => {
    if ((sets[i]?.length ?? 0) < FACET_GROUPS) return [];
    if (!isAttributeField(field) && !FIELD_NAME_PATTERN.test(field)) return [];
    const missing = tracked[i]!.filter((v) => !counts[i]!.has(v));
    if (missing.length === 0) return [];
    const filters = [...filtersFor(field), { field, values: missing, negate: false }];
    return [{ i, sql: facetCountsSql({ ...scope, filters, field, limit: FACET_GROUPS }) }];
  });
  if (second.length) {
    const more = await runStatements(
      sources.engine,
      second.map((s) => s.sql),
    );
    second.forEach(({ i }, k) => {
      for (const [value, n] of countsOf(more[k] ?? [])) counts[i]!.set(value, n);
    });
  }

  return {
    facets: fields.map((field, i) => ({ field, values: mergeFacetValues(tracked[i]!, counts[i]!) })),
  };
}
