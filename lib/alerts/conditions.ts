/** When an alert rule's condition holds, and how an alert reads in a sentence. */
import type { ConditionOp } from "./schema";

export type Condition = { op: ConditionOp; value: number };

/**
 * Percent change from the previous window to this one: +Infinity when the previous window had nothing and this
 * one has something (any burst on a quiet index is a change), 0 when both are empty.
 */
export function changePercent(current: number, previous: number): number {
  if (previous === 0) return current === 0 ? 0 : Infinity;
  return ((current - previous) / previous) * 100;
}

/**
 * `gt`/`lt`: the count against the value. `change`: a positive value fires on a rise of more than that many
 * percent, a negative one on a fall of more than that (`-50`: the count halved).
 */
export function conditionHolds(c: Condition, current: number, previous: number): boolean {
  switch (c.op) {
    case "gt":
      return current > c.value;
    case "lt":
      return current < c.value;
    case "change": {
      const pct = changePercent(current, previous);
      return c.value >= 0 ? pct > c.value : pct < c.value;
    }
  }
}

/** Whether a rule needs the window before its own: to compare against, or to find groups that went quiet. */
export function needsPreviousWindow(c: Condition): boolean {
  return c.op !== "gt";
}

export function conditionText(c: Condition): string {
  switch (c.op) {
    case "gt":
      return `more than ${c.value}`;
    case "lt":
      return `fewer than ${c.value}`;
    case "change":
      return c.value >= 0 ? `a rise of more than ${c.value}%` : `a fall of more than ${-c.value}%`;
  }
}

/** `90s`, `5m`, `2h`, `1h30m`: a window as people say it. */
export function durationText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean);
  return parts.length ? parts.join("") : "0s";
}
