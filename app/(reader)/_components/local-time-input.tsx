"use client";

import type { KeyboardEvent } from "react";

type Props = {
  label: string;
  /** `YYYY-MM-DDTHH:mm:ss` in the browser's time zone, or "" for none. */
  value: string;
  onChange: (value: string) => void;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
};

/** A moment in local time to the second: log lines share minutes, so the browser's minute default is too coarse. */
export function LocalTimeInput({ label, value, onChange, onKeyDown }: Props) {
  return (
    <input
      type="datetime-local"
      step="1"
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
