"use client";

import { filterParts } from "@/lib/reader/url-state";

type Props = { filters: string[]; onChange: (filters: string[]) => void };

/** The active filters, one chip each with a way to remove it, excluded values marked; and a way to drop them all. */
export function FilterChips({ filters, onChange }: Props) {
  if (filters.length === 0) return null;
  return (
    <div className="chips" role="group" data-testid="filter-chips" aria-label="active filters">
      {filters.map((f) => {
        const { field, value, negate } = filterParts(f);
        return (
          <span key={f} className="chip" data-testid="filter-chip" data-excluded={negate} title={f}>
            <span>{negate ? `not ${field}:` : `${field}:`}</span>
            <span className="chip-value">{value}</span>
            <button
              aria-label={`remove filter ${f}`}
              onClick={() => onChange(filters.filter((x) => x !== f))}
            >
              ×
            </button>
          </span>
        );
      })}
      <button className="clear" onClick={() => onChange([])}>
        clear all
      </button>
    </div>
  );
}
