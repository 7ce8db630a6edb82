"use client";

import type { LiveStatus } from "./use-live-tail";

const LABEL = {
  off: "",
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
} as const;

/** The Live button (F) and the connection's state: connecting, live, reconnecting, and lines sampled out. */
export function LiveToggle({
  on,
  status,
  onToggle,
}: {
  on: boolean;
  status: LiveStatus;
  onToggle: () => void;
}) {
  return (
    <span className="live-toggle">
      <button
        aria-pressed={on}
        data-testid="live-toggle"
        title="Follow new lines as they arrive, like less +F (F)"
        onClick={onToggle}
      >
        Live
      </button>
      {on && (
        <span className="live-status" data-state={status.state} data-testid="live-status" role="status">
          {LABEL[status.state]}
          {status.dropped > 0 && ` · sampled ${status.dropped.toLocaleString()}`}
        </span>
      )}
    </span>
  );
}

/**
 * Shown over the list while lines wait above it: live lines held back because the reader has scrolled down, or
 * (`newer`) lines that arrived after a list was loaded at the newest line, outside live tail.
 */
export function NewLinesBadge({
  count,
  onClick,
  newer = false,
  atLeast = false,
  title = "Back to the top and follow (F)",
}: {
  count: number;
  onClick: () => void;
  newer?: boolean;
  atLeast?: boolean;
  title?: string;
}) {
  return (
    <button
      className="new-lines"
      data-testid={newer ? "newer-lines" : "live-new-lines"}
      title={title}
      onClick={onClick}
    >
      ↑ {count.toLocaleString()}
      {atLeast ? "+" : ""} {newer ? "newer" : "new"} {count === 1 && !atLeast ? "line" : "lines"}
    </button>
  );
}
