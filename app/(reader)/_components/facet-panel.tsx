"use client";

import type { Facets } from "@/lib/query/wire";
import { activeValues, excludedValues } from "@/lib/reader/url-state";

type Props = {
  facets: Facets | undefined;
  /** The facets' own failure (a bad query): shown instead of the counts of another question. */
  error: Error | null;
  /** The counts shown are the previous question's while this one is answered. */
  stale: boolean;
  filters: string[];
  onToggle: (field: string, value: string, multi: boolean) => void;
  onExclude: (field: string, value: string) => void;
};

/**
 * Values tracked for each filtered column, counted for the current query; click one, or ctrl/cmd-click several;
 * "−" leaves a value's lines out.
 */
export function FacetPanel({ facets, error, stale, filters, onToggle, onExclude }: Props) {
  if (error)
    return (
      <div className="error" role="alert" data-testid="facets-error">
        fields unavailable: {error.message}
      </div>
    );
  if (!facets) return <div className="edge">loading fields…</div>;
  return (
    <div className="facet-list" aria-busy={stale} data-stale={stale}>
      {facets.facets.map((f) => {
        const active = new Set(activeValues(filters, f.field));
        const excluded = new Set(excludedValues(filters, f.field));
        return (
          <section key={f.field} data-testid={`facet-${f.field}`}>
            <h2>{f.field}</h2>
            <ul>
              {f.values.map((v) => (
                <li key={v.value} data-excluded={excluded.has(v.value)}>
                  <button
                    aria-pressed={active.has(v.value)}
                    title={`${f.field}:${v.value} (ctrl/cmd-click to select several)`}
                    onClick={(e) => onToggle(f.field, v.value, e.ctrlKey || e.metaKey)}
                  >
                    <span className="value">{v.value}</span>
                    <span className="count">{v.count.toLocaleString()}</span>
                  </button>
                  <button
                    className="exclude"
                    aria-pressed={excluded.has(v.value)}
                    aria-label={`exclude ${f.field}:${v.value}`}
                    title={
                      excluded.has(v.value)
                        ? `show ${f.field}:${v.value} again`
                        : `leave out ${f.field}:${v.value}`
                    }
                    onClick={() => onExclude(f.field, v.value)}
                  >
                    −
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
