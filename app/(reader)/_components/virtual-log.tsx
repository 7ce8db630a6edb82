"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import {
  forwardRef,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  type CSSProperties,
  type ReactNode,
} from "react";
import type { LogRecord } from "@/lib/query/wire";
import { columnWidths, rowTemplate } from "@/lib/reader/row-columns";
import type { RowTimes } from "@/lib/reader/time-format";
import { LogRow } from "./log-row";
import type { RevealRef } from "./use-expanded";

export type VirtualLogHandle = {
  scrollToIndex: (i: number, align?: "auto" | "center" | "start" | "end") => void;
  scrollToEnd: () => void;
};

type Props = {
  /** What the list is, for screen readers: the grid's accessible name. */
  label: string;
  records: LogRecord[];
  displayColumns: string[];
  /** The zone rows show times in, and whether with dates (a list over more than one day). */
  times: RowTimes;
  focusedId: string | null;
  expanded: ReadonlySet<string>;
  anchorId?: string | null;
  matchIds?: ReadonlySet<string>;
  top?: ReactNode;
  bottom?: ReactNode;
  onSelect: (r: LogRecord) => void;
  onToggle: (r: LogRecord) => void;
  onFilter: (field: string, value: string, multi: boolean) => void;
  onContext?: (r: LogRecord) => void;
  onFilterValue?: (field: string, value: string, exclude: boolean) => void;
  /** The line just opened, to scroll its details into view (useExpanded). */
  reveal?: RevealRef;
  /** Called while the first / last rendered rows are near an end, to load more. */
  onNearTop?: () => void;
  onNearBottom?: () => void;
  /** Live and following: rows prepended stay in view at the top instead of the reading position being kept. */
  followTop?: boolean;
  /** Called when the view leaves the top of the list, or comes back to it. */
  onAwayFromTop?: (away: boolean) => void;
};

/** How far down counts as having left the top (the top edge row is about this high). */
const AWAY_PX = 40;

const EDGE = 40;

/**
 * Only the rows in view (plus overscan) are in the DOM, so 100k loaded lines cost what 50 do. When rows are
 * prepended (newer pages while scrolling up), the scroll position moves by their height so the line being
 * read stays where it was.
 *
 * For assistive technology the list is a grid under its header row: each line a row named by its time, level
 * and message, the focused one selected. As most rows are not in the page, the grid says how many rows it has
 * (the loaded lines, the header and the two edge rows) and each row its place among them.
 */
export const VirtualLog = forwardRef<VirtualLogHandle, Props>(function VirtualLog(p, ref) {
  const parent = useRef<HTMLDivElement>(null);
  const hasTop = p.top !== undefined;
  const count = p.records.length + (hasTop ? 1 : 0) + (p.bottom !== undefined ? 1 : 0);
  const recordAt = (i: number) => p.records[i - (hasTop ? 1 : 0)];
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => 19,
    overscan: 30,
    getItemKey: (i) => recordAt(i)?.id ?? (i === 0 && hasTop ? "__top" : "__bottom"),
  });

  useImperativeHandle(ref, () => ({
    scrollToIndex: (i, align = "auto") => virtualizer.scrollToIndex(i + (hasTop ? 1 : 0), { align }),
    scrollToEnd: () => virtualizer.scrollToIndex(count - 1, { align: "end" }),
  }));

  // Keep the reading position when newer rows are prepended.
  const firstId = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    const prev = firstId.current;
    firstId.current = p.records[0]?.id;
    if (!prev || prev === p.records[0]?.id || !parent.current) return;
    if (p.followTop) {
      parent.current.scrollTop = 0;
      return;
    }
    const shift = p.records.findIndex((r) => r.id === prev);
    if (shift <= 0) return;
    const base = hasTop ? 1 : 0;
    const m = virtualizer.measurementsCache;
    parent.current.scrollTop += (m[shift + base]?.start ?? shift * 19) - (m[base]?.start ?? 0);
  }, [p.records, virtualizer, hasTop, p.followTop]);

  const { onAwayFromTop } = p;
  useEffect(() => {
    const el = parent.current;
    if (!el || !onAwayFromTop) return;
    let away = el.scrollTop > AWAY_PX;
    const onScroll = () => {
      if (el.scrollTop > AWAY_PX === away) return;
      away = !away;
      onAwayFromTop(away);
    };
    el.addEventListener("scroll", onScroll, { passive: true });
    return () => el.removeEventListener("scroll", onScroll);
  }, [onAwayFromTop]);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { onNearTop, onNearBottom } = p;
  useEffect(() => {
    if (count === 0) return;
    if (first < EDGE) onNearTop?.();
    if (last > count - EDGE) onNearBottom?.();
  }, [first, last, count, onNearTop, onNearBottom]);

  const template = useMemo(
    () => rowTemplate(columnWidths(p.records, p.displayColumns)),
    [p.records, p.displayColumns],
  );

  return (
    <div
      className="log"
      data-dates={p.times.dates}
      role="grid"
      aria-label={p.label}
      aria-rowcount={count + 1}
      aria-readonly
      style={{ "--row-columns": template } as CSSProperties}
    >
      <div className="row header" role="row" aria-rowindex={1} data-testid="log-header">
        <span className="time" role="columnheader">
          time
        </span>
        <span className="level" role="columnheader">
          level
        </span>
        <span className="cols">
          {p.displayColumns.map((c) => (
            <span key={c} className="col" role="columnheader" data-column={c}>
              {c}
            </span>
          ))}
        </span>
        <span className="msg" role="columnheader">
          message
        </span>
      </div>
      <div
        className="list"
        role="rowgroup"
        ref={parent}
        data-testid="log-list"
        data-count={p.records.length}
        tabIndex={-1}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
          <div
            style={{
              position: "absolute",
              top: 0,
              left: 0,
              width: "100%",
              transform: `translateY(${items[0]?.start ?? 0}px)`,
            }}
          >
            {items.map((item) => {
              const r = recordAt(item.index);
              // The header is row 1.
              const rowIndex = item.index + 2;
              return (
                // The edges (loading, the end of the range) are rows of their own, one cell across.
                <div
                  key={item.key}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  role={r ? undefined : "row"}
                  aria-rowindex={r ? undefined : rowIndex}
                >
                  {r ? (
                    <LogRow
                      record={r}
                      rowIndex={rowIndex}
                      displayColumns={p.displayColumns}
                      times={p.times}
                      focused={p.focusedId === r.id}
                      expanded={p.expanded.has(r.id)}
                      anchor={p.anchorId === r.id}
                      match={p.matchIds?.has(r.id)}
                      onSelect={p.onSelect}
                      onToggle={p.onToggle}
                      onFilter={p.onFilter}
                      onContext={p.onContext}
                      onFilterValue={p.onFilterValue}
                      reveal={p.reveal}
                    />
                  ) : (
                    <div role="gridcell">{item.index === 0 && hasTop ? p.top : p.bottom}</div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
});
