/**
 * The histogram legend as a level filter. A selection of level classes is written with the facets' filters:
 * named levels as `level:<level>` (values of one field are OR'd), and a selection that takes `other` as the
 * named levels it leaves out (`-level:debug`), since `other` is every level but the four.
 */
import { HISTOGRAM_LEVELS, NAMED_LEVELS, isNamedLevel } from "@/lib/query/histogram-levels";
import type { HistogramLevel } from "@/lib/query/wire";
import { activeValues, excludedValues, filterParts } from "./url-state";

/** The classes the level filters show, or none when they narrow nothing down to classes. */
export function selectedLevels(filters: string[]): Set<HistogramLevel> {
  const chosen = activeValues(filters, "level").map((v) => v.toLowerCase());
  if (chosen.length > 0) {
    const named = chosen.filter(isNamedLevel);
    return new Set<HistogramLevel>(named.length < chosen.length ? [...named, "other"] : named);
  }
  const left = new Set(excludedValues(filters, "level").map((v) => v.toLowerCase()));
  if (!NAMED_LEVELS.some((l) => left.has(l))) return new Set();
  return new Set<HistogramLevel>([...NAMED_LEVELS.filter((l) => !left.has(l)), "other"]);
}

/**
 * A click on a legend entry, as on a facet value: a plain click shows only that class (or everything again if it
 * was the only one shown); ctrl/cmd-click adds or removes it. Other filters stay; leaving out a level the legend
 * does not name (`-level:audit`) stays too, while the selection includes `other`.
 */
export function toggleLevel(filters: string[], level: HistogramLevel, multi: boolean): string[] {
  const selected = selectedLevels(filters);
  let next: Set<HistogramLevel>;
  if (multi) {
    next = new Set(selected);
    if (next.has(level)) next.delete(level);
    else next.add(level);
  } else next = selected.size === 1 && selected.has(level) ? new Set() : new Set([level]);
  const unnamedLeftOut = (f: string) => {
    const p = filterParts(f);
    return p.negate && !isNamedLevel(p.value.toLowerCase());
  };
  const others = filters.filter(
    (f) => filterParts(f).field !== "level" || (next.has("other") && unnamedLeftOut(f)),
  );
  if (next.size === 0 || next.size === HISTOGRAM_LEVELS.length) return others;
  if (!next.has("other"))
    return [...others, ...NAMED_LEVELS.filter((l) => next.has(l)).map((l) => `level:${l}`)];
  return [...others, ...NAMED_LEVELS.filter((l) => !next.has(l)).map((l) => `-level:${l}`)];
}
