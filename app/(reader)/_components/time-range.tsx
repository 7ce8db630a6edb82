"use client";

import { useState, type FormEvent } from "react";
import { parseTimeParam } from "@/lib/query/time-range";
import { inputTime, parseInputTime, type TimeZoneChoice } from "@/lib/reader/time-format";
import { TimeInput } from "./time-input";
import { useHydrated } from "./use-time-zone";

const PRESETS = [
  ["now-5m", "last 5 minutes"],
  ["now-15m", "last 15 minutes"],
  ["now-1h", "last hour"],
  ["now-6h", "last 6 hours"],
  ["now-24h", "last 24 hours"],
  ["now-7d", "last 7 days"],
  ["now-30d", "last 30 days"],
] as const;

const CUSTOM = "custom";

type Props = {
  from: string;
  to: string;
  tz: TimeZoneChoice;
  /** The IANA zone `tz` names here (useTimeZone). */
  timeZone: string;
  onChange: (from: string, to: string) => void;
  onTz: (tz: TimeZoneChoice) => void;
};

/**
 * A relative preset, or a custom range typed in the reader's zone. The from/to inputs show only for a custom
 * range, so a preset is one Tab stop; they open on the range shown (a preset's, or a histogram zoom's).
 */
export function TimeRange({ from, to, tz, timeZone, onChange, onTz }: Props) {
  const preset = !to && PRESETS.some(([v]) => v === from) ? from : CUSTOM;
  const range = `${from}|${to}`;
  // "custom range…" picked while the URL still holds a preset: only for that range, so a new one (a zoom, the
  // empty list's widen buttons) shows as it is.
  const [customFor, setCustomFor] = useState<string | null>(null);
  const custom = preset === CUSTOM || customFor === range;
  // The inputs show times in the browser's zone and as of now, neither of which the server knows.
  const hydrated = useHydrated();
  return (
    <div className="toolbar" data-testid="time-range">
      <select
        aria-label="time range"
        value={custom ? CUSTOM : preset}
        onChange={(e) => {
          if (e.target.value === CUSTOM) return setCustomFor(range);
          setCustomFor(null);
          onChange(e.target.value, "");
        }}
      >
        {PRESETS.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
        <option value={CUSTOM}>custom range…</option>
      </select>
      {custom && hydrated && (
        <CustomRange
          key={`${range}|${timeZone}`}
          from={from}
          to={to}
          timeZone={timeZone}
          onApply={(f, t) => {
            setCustomFor(null);
            onChange(f, t);
          }}
        />
      )}
      <select
        aria-label="time zone"
        title="The zone times are shown and typed in"
        value={tz}
        onChange={(e) => onTz(e.target.value === "utc" ? "utc" : "local")}
      >
        <option value="local">local time</option>
        <option value="utc">UTC</option>
      </select>
    </div>
  );
}

/** A bound as the inputs show it: the moment it stands for now, on the zone's clock; "" for none. */
function shown(raw: string, nowMs: number, timeZone: string): string {
  const ms = raw ? parseTimeParam(raw, nowMs) : null;
  return ms === null ? "" : inputTime(ms, timeZone);
}

function CustomRange({
  from,
  to,
  timeZone,
  onApply,
}: {
  from: string;
  to: string;
  timeZone: string;
  onApply: (from: string, to: string) => void;
}) {
  const [draft, setDraft] = useState(() => {
    const now = Date.now();
    return { from: shown(from, now, timeZone), to: shown(to || "now", now, timeZone) };
  });
  const fromMs = draft.from.trim() ? parseInputTime(draft.from, timeZone) : null;
  const toMs = draft.to.trim() ? parseInputTime(draft.to, timeZone) : null;
  const badFrom = draft.from.trim() !== "" && fromMs === null;
  const badTo =
    (draft.to.trim() !== "" && toMs === null) || (fromMs !== null && toMs !== null && toMs < fromMs);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (badFrom || badTo) return;
    // An empty end is an open one: the range runs up to now and takes new lines.
    onApply(
      fromMs === null ? "" : new Date(fromMs).toISOString(),
      toMs === null ? "" : new Date(toMs).toISOString(),
    );
  };
  return (
    <form className="toolbar custom-range" data-testid="custom-range" onSubmit={apply}>
      <TimeInput
        label="from"
        value={draft.from}
        invalid={badFrom}
        placeholder="oldest kept"
        onChange={(v) => setDraft((d) => ({ ...d, from: v }))}
      />
      <span aria-hidden>–</span>
      <TimeInput
        label="to"
        value={draft.to}
        invalid={badTo}
        placeholder="now"
        onChange={(v) => setDraft((d) => ({ ...d, to: v }))}
      />
      <button
        type="submit"
        disabled={badFrom || badTo}
        title="YYYY-MM-DD HH:mm:ss, 24-hour, in the zone shown"
      >
        Apply
      </button>
    </form>
  );
}
