"use client";

import type { Facets } from "@/lib/query/wire";
import { activeValues } from "@/lib/reader/url-state";

type Props = {
  facets: Facets | undefined;
  filters: string[];
  onToggle: (field: string, value: string, multi: boolean) => void;
};

/** Values tracked for each filtered column, counted for the current query; click one, or ctrl/cmd-click several. */
export function FacetPanel({ facets, filters, onToggle }: Props) {
  if (!facets) return <div className="edge">loading fields…</div>;
  return (
    <>
      {facets.facets.map((f) => {
        const active = new Set(activeValues(filters, f.field));
        return (
          <section key={f.field} data-testid={`facet-${f.field}`}>
            <h3>{f.field}</h3>
            <ul>
              {f.values.map((v) => (
                <li key={v.value}>
                  <button
                    aria-pressed={active.has(v.value)}
                    title={`${f.field}:${v.value} (ctrl/cmd-click to select several)`}
                    onClick={(e) => onToggle(f.field, v.value, e.ctrlKey || e.metaKey)}
                  >
                    <span className="value">{v.value}</span>
                    <span className="count">{v.count.toLocaleString()}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
