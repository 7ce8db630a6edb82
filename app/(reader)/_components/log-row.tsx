"use client";

import { memo, useState, type MouseEvent } from "react";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";
import { previewOf, styledSegments } from "@/lib/reader/highlight";
import { columnValue } from "@/lib/reader/row-columns";
import { fullTime, rowTime, type RowTimes } from "@/lib/reader/time-format";
import { rowLabel } from "@/lib/reader/row-label";
import type { LogRecord } from "@/lib/query/wire";
import { RecordDetails } from "./record-details";
import type { RevealRef } from "./use-expanded";

type RowProps = {
  record: LogRecord;
  /** The row's place in the list's grid (aria-rowindex): only the rows in view are in the page. */
  rowIndex: number;
  displayColumns: string[];
  times: RowTimes;
  focused: boolean;
  expanded: boolean;
  anchor?: boolean;
  match?: boolean;
  onSelect: (r: LogRecord) => void;
  onToggle: (r: LogRecord) => void;
  onFilter: (field: string, value: string, multi: boolean) => void;
  onContext?: (r: LogRecord) => void;
  /** From the details: only lines with a field's value, or only lines without it. */
  onFilterValue?: (field: string, value: string, exclude: boolean) => void;
  reveal?: RevealRef;
};

function Message({ record }: { record: LogRecord }) {
  const [all, setAll] = useState(false);
  const preview = all ? { text: record.message, truncated: false } : previewOf(record.message);
  const segments = styledSegments(preview.text, record.highlights);
  return (
    <span className="msg" role="gridcell">
      {segments.map((s, i) =>
        s.match ? (
          <mark key={i} className={s.className || undefined}>
            {s.text}
          </mark>
        ) : (
          <span key={i} className={s.className || undefined}>
            {s.text}
          </span>
        ),
      )}
      {preview.truncated && (
        <button
          className="more"
          onClick={(e) => {
            e.stopPropagation();
            setAll(true);
          }}
        >
          show all ({record.message.length.toLocaleString()} chars)
        </button>
      )}
    </span>
  );
}

export const LogRow = memo(function LogRow(p: RowProps) {
  const r = p.record;
  const filterClick = (field: string, value: string) => (e: MouseEvent) => {
    e.stopPropagation();
    p.onFilter(field, value, e.ctrlKey || e.metaKey);
  };
  return (
    <div
      className="row"
      role="row"
      aria-rowindex={p.rowIndex}
      aria-selected={p.focused}
      aria-label={rowLabel(rowTime(r.ts, p.times.timeZone, p.times.dates), r.level, r.message)}
      data-testid="log-row"
      data-id={r.id}
      data-focused={p.focused}
      data-anchor={p.anchor ?? false}
      data-match={p.match ?? false}
      onClick={() => p.onSelect(r)}
      // A double click expands the line; it should not also select a word of it.
      onMouseDown={(e) => e.detail > 1 && e.preventDefault()}
      onDoubleClick={() => p.onToggle(r)}
    >
      <time
        className="time"
        role="gridcell"
        dateTime={new Date(r.ts).toISOString()}
        title={fullTime(r.ts, p.times.timeZone)}
      >
        {rowTime(r.ts, p.times.timeZone, p.times.dates)}
      </time>
      <span className={`level lvl-${r.level}`} role="gridcell">
        {r.level ? (
          <button className="chip" onClick={filterClick("level", r.level)} title={`filter level:${r.level}`}>
            {r.level.slice(0, 5)}
          </button>
        ) : (
          "-"
        )}
      </span>
      <span className="cols">
        {p.displayColumns.map((c) => {
          const v = columnValue(r, c);
          // Every column has its cell, empty or not, so the cells after it keep their place in the grid.
          // The query language names fields as identifiers; `@version` or `user-agent` can be shown, not filtered.
          return (
            <span key={c} className="col" role="gridcell" data-column={c} title={v || undefined}>
              {v && FIELD_NAME_PATTERN.test(c) ? (
                <button title={`filter ${c}:${v}`} onClick={filterClick(c, v)}>
                  {v}
                </button>
              ) : (
                v
              )}
            </span>
          );
        })}
      </span>
      <Message record={r} />
      {p.expanded && (
        <RecordDetails
          record={r}
          timeZone={p.times.timeZone}
          onContext={p.onContext}
          onFilterValue={p.onFilterValue}
          reveal={p.reveal}
        />
      )}
    </div>
  );
});
