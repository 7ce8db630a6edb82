"use client";

import { memo, useEffect, useRef, useState, type MouseEvent } from "react";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";
import { previewOf, styledSegments } from "@/lib/reader/highlight";
import type { LogRecord } from "@/lib/query/wire";
import type { RevealRef } from "./use-expanded";

function pad(n: number, w = 2) {
  return String(n).padStart(w, "0");
}

/** Local wall-clock time to the millisecond; the full ISO time is in the title. */
export function shortTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

type RowProps = {
  record: LogRecord;
  displayColumns: string[];
  focused: boolean;
  expanded: boolean;
  anchor?: boolean;
  match?: boolean;
  onSelect: (r: LogRecord) => void;
  onToggle: (r: LogRecord) => void;
  onFilter: (field: string, value: string, multi: boolean) => void;
  onContext?: (r: LogRecord) => void;
  reveal?: RevealRef;
};

function columnValue(r: LogRecord, name: string): string {
  if (name === "host") return r.host;
  if (name === "logger") return r.logger;
  const v = r.fields[name];
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function Message({ record }: { record: LogRecord }) {
  const [all, setAll] = useState(false);
  const preview = all ? { text: record.message, truncated: false } : previewOf(record.message);
  const segments = styledSegments(preview.text, record.highlights);
  return (
    <span className="msg">
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

function copy(text: string) {
  void navigator.clipboard?.writeText(text);
}

function Tree({ value }: { value: unknown }) {
  if (value === null || typeof value !== "object") {
    return <span>{JSON.stringify(value)}</span>;
  }
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v: unknown, i) => [String(i), v])
    : Object.entries(value);
  return (
    <ul className="tree">
      {entries.map(([k, v]) => (
        <li key={k}>
          <span className="key">{k}</span>: <Tree value={v} />
          <button
            className="copy"
            title={`copy ${k}`}
            onClick={() => copy(typeof v === "string" ? v : JSON.stringify(v, null, 2))}
          >
            copy
          </button>
        </li>
      ))}
    </ul>
  );
}

function Details({
  record,
  onContext,
  reveal,
}: {
  record: LogRecord;
  onContext?: (r: LogRecord) => void;
  reveal?: RevealRef;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (reveal?.current !== record.id) return;
    reveal.current = null;
    box.current?.scrollIntoView({ block: "nearest" });
  }, [reveal, record.id]);
  const { id, ts, time, level, logger, host, message, fields } = record;
  const rest = { id, ts, time, level, logger, host, message, fields };
  const whole = {
    time: record.time,
    level: record.level,
    logger: record.logger,
    host: record.host,
    message: record.message,
    ...record.fields,
  };
  return (
    <div className="details" ref={box} onClick={(e) => e.stopPropagation()}>
      <div className="actions">
        {onContext && <button onClick={() => onContext(record)}>Show context</button>}
        <button onClick={() => copy(JSON.stringify(rest, null, 2))}>Copy JSON</button>
        <button onClick={() => copy(record.message)}>Copy message</button>
      </div>
      <Tree value={whole} />
    </div>
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
      <span className="time" title={r.time}>
        {shortTime(r.ts)}
      </span>
      <span className={`level lvl-${r.level}`}>
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
          if (!v) return null;
          // The query language names fields as identifiers; `@version` or `user-agent` can be shown, not filtered.
          return FIELD_NAME_PATTERN.test(c) ? (
            <button key={c} title={`filter ${c}:${v}`} onClick={filterClick(c, v)}>
              {v}
            </button>
          ) : (
            <span key={c} className="col">
              {v}
            </span>
          );
        })}
      </span>
      <Message record={r} />
      {p.expanded && <Details record={r} onContext={p.onContext} reveal={p.reveal} />}
    </div>
  );
});
