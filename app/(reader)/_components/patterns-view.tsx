"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { MouseEvent } from "react";
import { PLACEHOLDER } from "@/lib/patterns/mask-line";
import type { Pattern, PatternsResult } from "@/lib/patterns/wire";
import { HISTOGRAM_LEVELS } from "@/lib/query/histogram-levels";
import { fetchPatterns } from "@/lib/reader/api-client";

type Props = {
  logger: string;
  /** The grep parameters of the current question. */
  base: URLSearchParams;
  baseKey: string;
  sort: "count" | "new";
  onSort: (sort: "count" | "new") => void;
  /** Plain click: only this template's lines; ctrl/cmd-click: leave them out. */
  onPick: (pattern: Pattern, exclude: boolean) => void;
  /** The reader link that shows only this template's lines. */
  linkTo: (pattern: Pattern) => string;
};

/** A template's text with its placeholders set apart, as text nodes (log text is data, never HTML). */
function TemplateText({ template }: { template: string }) {
  const parts = template.split(PLACEHOLDER);
  return (
    <span className="template">
      {parts.map((part, i) => (
        <span key={i}>
          {part}
          {i < parts.length - 1 && <span className="placeholder">{PLACEHOLDER}</span>}
        </span>
      ))}
    </span>
  );
}

function Sparkline({ series }: { series: number[] }) {
  const max = Math.max(1, ...series);
  const w = 100;
  const h = 20;
  const step = series.length > 1 ? w / (series.length - 1) : w;
  const points = series.map((n, i) => `${(i * step).toFixed(1)},${(h - (n / max) * h).toFixed(1)}`).join(" ");
  return (
    <svg className="sparkline" viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="none" aria-hidden="true">
      <polyline points={series.length > 1 ? points : `0,${h} ${w},${h}`} fill="none" />
    </svg>
  );
}

/**
 * The matching lines grouped into templates: count, share, levels and a sparkline over the range, computed from
 * a sample whose size is shown. Clicking a template reads its lines; ctrl/cmd-click leaves them out.
 */
export function PatternsView({ logger, base, baseKey, sort, onSort, onPick, linkTo }: Props) {
  const patterns = useQuery<PatternsResult, Error>({
    queryKey: ["patterns", logger, baseKey, sort],
    queryFn: ({ signal }) => {
      const sp = new URLSearchParams(base);
      if (sort === "new") sp.set("sort", "new");
      return fetchPatterns(logger, sp, signal);
    },
    placeholderData: keepPreviousData,
  });
  if (patterns.error)
    return (
      <div className="notice error" role="alert">
        patterns unavailable: {patterns.error.message}
      </div>
    );
  const data = patterns.data;
  if (!data) return <div className="notice">grouping lines into patterns…</div>;
  const pick = (p: Pattern) => (e: MouseEvent) => {
    e.preventDefault();
    onPick(p, e.ctrlKey || e.metaKey);
  };
  return (
    <section
      className="patterns"
      aria-label="patterns"
      aria-busy={patterns.isPlaceholderData}
      data-stale={patterns.isPlaceholderData}
    >
      <div className="patterns-head">
        <span data-testid="patterns-summary">
          {data.patterns.length.toLocaleString()} patterns in a sample of {data.sampleSize.toLocaleString()}{" "}
          of {data.total.toLocaleString()} lines
        </span>
        <label>
          sort{" "}
          <select
            aria-label="sort patterns"
            value={sort}
            onChange={(e) => onSort(e.target.value === "new" ? "new" : "count")}
          >
            <option value="count">by count</option>
            <option value="new">new in this range first</option>
          </select>
        </label>
      </div>
      {data.patterns.length === 0 ? (
        <div className="notice" data-testid="empty">
          No lines match in this range.
        </div>
      ) : (
        <ol className="pattern-list">
          {data.patterns.map((p) => (
            <li key={p.id} data-testid="pattern" data-pattern-id={p.id}>
              <a
                className="pattern"
                href={linkTo(p)}
                title="Show only these lines (ctrl/cmd-click: leave them out)"
                onClick={pick(p)}
              >
                <span className="pattern-count" data-testid="pattern-count">
                  {p.estimate.toLocaleString()}
                </span>
                <span className="pattern-share">{(p.share * 100).toFixed(1)}%</span>
                <span className="pattern-levels">
                  {HISTOGRAM_LEVELS.filter((l) => p.levels[l] > 0).map((l) => (
                    <span
                      key={l}
                      className={`level-chip level-${l}`}
                      title={`${p.levels[l]} ${l} in the sample`}
                    >
                      {l}
                    </span>
                  ))}
                </span>
                <Sparkline series={p.series} />
                <span className="pattern-text">
                  <TemplateText template={p.template} />
                  {p.trace && (
                    <span className="pattern-trace">
                      {" "}
                      {p.trace.type} in {p.trace.frame}
                    </span>
                  )}
                  {p.isNew && <span className="pattern-new">new</span>}
                </span>
              </a>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
