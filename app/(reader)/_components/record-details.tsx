"use client";

import { useEffect, useRef } from "react";
import type { LogRecord } from "@/lib/query/wire";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";
import { fullTime } from "@/lib/reader/time-format";
import type { RevealRef } from "./use-expanded";

function copy(text: string) {
  void navigator.clipboard?.writeText(text);
}

/** What the API's `filter` can name: a one-line string or a number (booleans and objects are not matched). */
function filterable(key: string, value: unknown): string | null {
  if (key === "time" || key === "message" || !FIELD_NAME_PATTERN.test(key)) return null;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value !== "" && value.length <= 1024 && !/[\r\n]/.test(value))
    return value;
  return null;
}

/**
 * One field of the record: a line of text, a multi-line text (a stack trace) with its line breaks, or an object
 * pretty-printed as JSON; each with one copy button, and filter for / filter out where the API can filter on it.
 */
function Field({
  name,
  value,
  onFilterValue,
}: {
  name: string;
  value: unknown;
  onFilterValue?: (field: string, value: string, exclude: boolean) => void;
}) {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  const block =
    typeof value === "string" ? /[\r\n]/.test(value) : value !== null && typeof value === "object";
  const term = onFilterValue ? filterable(name, value) : null;
  return (
    <div className="field" data-testid="detail-field" data-field={name}>
      <span className="key">{name}</span>
      {block ? <pre className="value">{text}</pre> : <span className="value">{text}</span>}
      <span className="field-actions">
        <button className="copy" aria-label={`copy ${name}`} onClick={() => copy(text)}>
          copy
        </button>
        {term !== null && (
          <>
            <button
              aria-label={`filter for ${name}:${term}`}
              title={`only lines with ${name}:${term}`}
              onClick={() => onFilterValue!(name, term, false)}
            >
              +
            </button>
            <button
              aria-label={`filter out ${name}:${term}`}
              title={`lines without ${name}:${term}`}
              onClick={() => onFilterValue!(name, term, true)}
            >
              −
            </button>
          </>
        )}
      </span>
    </div>
  );
}

export function RecordDetails({
  record,
  timeZone,
  onContext,
  onFilterValue,
  reveal,
}: {
  record: LogRecord;
  /** The time is shown on the reader's clock, like the row's; Copy JSON keeps the record's own. */
  timeZone: string;
  onContext?: (r: LogRecord) => void;
  onFilterValue?: (field: string, value: string, exclude: boolean) => void;
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
  const whole: Record<string, unknown> = {
    time: fullTime(ts, timeZone),
    level,
    logger,
    host,
    message,
    ...fields,
  };
  return (
    // The line's last cell in the list's grid, across the row.
    <div className="details" role="gridcell" ref={box} onClick={(e) => e.stopPropagation()}>
      <div className="actions">
        {onContext && <button onClick={() => onContext(record)}>Show context</button>}
        <button onClick={() => copy(JSON.stringify(rest, null, 2))}>Copy JSON</button>
        <button onClick={() => copy(record.message)}>Copy message</button>
      </div>
      <div className="fields">
        {Object.entries(whole).map(([k, v]) => (
          <Field key={k} name={k} value={v} onFilterValue={onFilterValue} />
        ))}
      </div>
    </div>
  );
}
