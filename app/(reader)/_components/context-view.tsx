"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { LogRecord } from "@/lib/query/wire";
import { sortByPosition } from "@/lib/query/cursor";
import { fetchContext, fetchPage } from "@/lib/reader/api-client";
import { fullTime, spansDays } from "@/lib/reader/time-format";
import type { ContextScope } from "@/lib/reader/url-state";
import { useExpanded } from "./use-expanded";
import { usePageLoaders } from "./use-page-loaders";
import { useReaderKeys } from "./use-reader-keys";
import { VirtualLog, type VirtualLogHandle } from "./virtual-log";

type Props = {
  logger: string;
  at: string;
  scope: ContextScope;
  q: string;
  filters: string[];
  displayColumns: string[];
  /** The zone the reader shows times in. */
  timeZone: string;
  onScope: (s: ContextScope) => void;
  onClose: () => void;
  onFilter: (field: string, value: string, multi: boolean) => void;
};

const PAGE = 100;

type Param = { at: string; before: number; after: number };

function scopeFilters(scope: ContextScope, anchor: LogRecord): string[] {
  if (scope === "all") return [];
  if (scope === "host") return [`host:${anchor.host}`];
  return [`host:${anchor.host}`, `logger:${anchor.logger}`];
}

/**
 * grep -C: the unfiltered neighbours of one line, oldest first like the file it came from, the line itself
 * marked. Lines that match the current query are marked too, and n / N jump between them.
 */
export function ContextView(p: Props) {
  const anchorQuery = useQuery({
    queryKey: ["context-anchor", p.logger, p.at],
    queryFn: ({ signal }) =>
      fetchContext(p.logger, new URLSearchParams({ at: p.at, before: "0", after: "0" }), signal),
  });
  const anchor = anchorQuery.data?.records.find((r) => r.id === anchorQuery.data?.anchorId);
  const filters = useMemo(() => (anchor ? scopeFilters(p.scope, anchor) : []), [anchor, p.scope]);

  const pages = useInfiniteQuery({
    queryKey: ["context", p.logger, p.at, filters],
    enabled: !!anchor,
    initialPageParam: { at: p.at, before: PAGE, after: PAGE } satisfies Param,
    queryFn: ({ pageParam, signal }) => {
      const sp = new URLSearchParams({
        at: pageParam.at,
        before: String(pageParam.before),
        after: String(pageParam.after),
      });
      for (const f of filters) sp.append("filter", f);
      return fetchContext(p.logger, sp, signal);
    },
    getPreviousPageParam: (first) =>
      first.cursors.older ? { at: first.cursors.older, before: PAGE, after: 0 } : undefined,
    getNextPageParam: (last) =>
      last.cursors.newer ? { at: last.cursors.newer, before: 0, after: PAGE } : undefined,
  });

  const records = useMemo(() => {
    const seen = new Set<string>();
    const out: LogRecord[] = [];
    for (const page of pages.data?.pages ?? []) {
      for (const r of page.records) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        out.push(r);
      }
    }
    return sortByPosition(out);
  }, [pages.data]);

  const first = records[0];
  const last = records[records.length - 1];
  const matches = useQuery({
    queryKey: ["context-matches", p.logger, p.q, p.filters, filters, first?.ts, last?.ts],
    enabled: !!first && !!last && p.q !== "",
    queryFn: ({ signal }) => {
      const sp = new URLSearchParams({
        q: p.q,
        from: String(first!.ts),
        to: String(last!.ts),
        limit: "1000",
      });
      for (const f of [...p.filters, ...filters]) sp.append("filter", f);
      return fetchPage(p.logger, sp, signal);
    },
  });
  const matchIds = useMemo(() => new Set(matches.data?.records.map((r) => r.id)), [matches.data]);
  // Neighbours are not bound to the reader's range: their dates show when the lines loaded cross a midnight.
  const dates = !!first && !!last && spansDays(first.ts, last.ts, p.timeZone);
  const times = useMemo(() => ({ timeZone: p.timeZone, dates }), [p.timeZone, dates]);

  const list = useRef<VirtualLogHandle>(null);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const { expanded, toggle, reveal } = useExpanded();
  const centered = useRef(false);
  useEffect(() => {
    if (centered.current || !anchor) return;
    const i = records.findIndex((r) => r.id === anchor.id);
    if (i < 0) return;
    centered.current = true;
    setFocusedId(anchor.id);
    requestAnimationFrame(() => list.current?.scrollToIndex(i, "center"));
  }, [records, anchor]);

  const focusIndex = (i: number) => {
    const r = records[Math.max(0, Math.min(records.length - 1, i))];
    if (!r) return;
    setFocusedId(r.id);
    list.current?.scrollToIndex(records.indexOf(r), "auto");
  };
  const current = records.findIndex((r) => r.id === focusedId);
  const jumpMatch = (dir: 1 | -1) => {
    for (let i = current + dir; i >= 0 && i < records.length; i += dir) {
      if (matchIds.has(records[i]!.id)) return focusIndex(i);
    }
  };
  const select = useCallback((r: LogRecord) => setFocusedId(r.id), []);

  useReaderKeys({
    j: () => focusIndex(current + 1),
    k: () => focusIndex(current - 1),
    n: () => jumpMatch(1),
    N: () => jumpMatch(-1),
    Enter: () => records[current] && toggle(records[current]),
    Escape: p.onClose,
  });

  const { hasPreviousPage, hasNextPage } = pages;
  const { loadPrevious: loadOlder, loadNext: loadNewer } = usePageLoaders(pages);

  const error = anchorQuery.error ?? pages.error;
  return (
    <>
      <div className="context-bar" data-testid="context-bar">
        <strong>Context</strong>
        <span>around {anchor ? `${fullTime(anchor.ts, p.timeZone)} on ${anchor.host || "?"}` : "…"}</span>
        <select
          aria-label="context scope"
          value={p.scope}
          onChange={(e) => p.onScope(e.target.value as ContextScope)}
        >
          <option value="source">same host and logger</option>
          <option value="host">same host</option>
          <option value="all">all lines</option>
        </select>
        {p.q && <span>{matchIds.size} matching lines marked; n / N to jump</span>}
        <button onClick={p.onClose} style={{ marginLeft: "auto" }}>
          Close (Esc)
        </button>
      </div>
      {error ? (
        <div className="notice error">{error.message}</div>
      ) : (
        <VirtualLog
          ref={list}
          label={anchor ? `lines around ${anchor.time}` : "lines around the focused line"}
          records={records}
          displayColumns={p.displayColumns}
          times={times}
          focusedId={focusedId}
          expanded={expanded}
          reveal={reveal}
          anchorId={anchor?.id ?? null}
          matchIds={matchIds}
          top={
            <div className="edge">
              {hasPreviousPage ? <button onClick={loadOlder}>load older lines</button> : "start of the range"}
            </div>
          }
          bottom={
            <div className="edge">
              {hasNextPage ? <button onClick={loadNewer}>load newer lines</button> : "newest line"}
            </div>
          }
          onSelect={select}
          onToggle={toggle}
          onFilter={p.onFilter}
        />
      )}
    </>
  );
}
