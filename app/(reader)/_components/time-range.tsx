"use client";

import { useState } from "react";
import { LocalTimeInput } from "./local-time-input";

const PRESETS = [
  ["now-5m", "last 5 minutes"],
  ["now-15m", "last 15 minutes"],
  ["now-1h", "last hour"],
  ["now-6h", "last 6 hours"],
  ["now-24h", "last 24 hours"],
  ["now-7d", "last 7 days"],
  ["now-30d", "last 30 days"],
] as const;

function toLocalInput(v: string): string {
  if (!v || v.startsWith("now")) return "";
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (Number.isNaN(ms)) return "";
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

function fromLocalInput(v: string): string {
  return v ? new Date(v).toISOString() : "";
}

type Props = { from: string; to: string; onChange: (from: string, to: string) => void };

/** Relative presets, or absolute from/to in local time. */
export function TimeRange({ from, to, onChange }: Props) {
  const preset = !to && PRESETS.some(([v]) => v === from) ? from : "custom";
  const [absFrom, setAbsFrom] = useState(toLocalInput(from));
  const [absTo, setAbsTo] = useState(toLocalInput(to));
  return (
    <div className="toolbar" data-testid="time-range">
      <select
        aria-label="time range"
        value={preset}
        onChange={(e) => e.target.value !== "custom" && onChange(e.target.value, "")}
      >
        {PRESETS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
        <option value="custom">custom range</option>
      </select>
      <LocalTimeInput label="from" value={absFrom} onChange={setAbsFrom} />
      <LocalTimeInput label="to" value={absTo} onChange={setAbsTo} />
      <button onClick={() => onChange(fromLocalInput(absFrom), fromLocalInput(absTo))}>Apply</button>
    </div>
  );
}
