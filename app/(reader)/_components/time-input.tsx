"use client";

import type { KeyboardEvent } from "react";

type Props = {
  label: string;
  /** `YYYY-MM-DD HH:mm:ss` in the reader's zone, or "" for none. */
  value: string;
  onChange: (value: string) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
  invalid?: boolean;
  placeholder?: string;
};

/**
 * A moment typed as text on the reader's 24-hour clock, to the second or millisecond, in the zone it shows
 * times in. A datetime-local input would write the browser's locale (a US browser: 12/03/2026, 02:05:09 PM) and
 * always mean the browser's zone.
 */
export function TimeInput({ label, value, onChange, onKeyDown, invalid, placeholder }: Props) {
  return (
    <input
      type="text"
      className="time-input"
      inputMode="numeric"
      spellCheck={false}
      autoComplete="off"
      aria-label={label}
      aria-invalid={invalid || undefined}
      placeholder={placeholder ?? "YYYY-MM-DD HH:mm:ss"}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
