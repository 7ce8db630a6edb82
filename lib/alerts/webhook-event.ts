/**
 * The JSON a webhook receives. `text` is for chat incoming webhooks (Slack, Mattermost), which show that field
 * and ignore the rest; the other fields are for programs.
 */
import type { AlertRule } from "@/db/schema";
import { changePercent, conditionText, durationText } from "./conditions";

export type AlertEventKind = "firing" | "resolved";

export type AlertEvent = {
  event: AlertEventKind;
  rule: {
    id: number;
    name: string;
    index: string;
    query: string;
    condition: { op: AlertRule["conditionOp"]; value: number };
    groupBy: string | null;
  };
  /** The groupBy value this event is about; null for a rule without groupBy. */
  group: string | null;
  /** Matching records in the window. */
  value: number;
  /** Matching records in the window before, for `lt` and `change` rules. */
  previous: number | null;
  /** Percent change against the previous window, for `change` rules (null when that window was empty). */
  changePercent: number | null;
  window: { seconds: number; from: string; to: string };
  firingSince: string;
  /** The reader on exactly the lines counted: the window's absolute times, the query, the group as a filter. */
  link: string;
  text: string;
};

/** The reader's URL for the records a rule counted in a window, group included. */
export function readerLink(
  publicUrl: string,
  rule: Pick<AlertRule, "indexName" | "query" | "groupBy">,
  group: string | null,
  window: { fromMs: number; toMs: number },
): string {
  const sp = new URLSearchParams();
  if (rule.query) sp.set("q", rule.query);
  if (rule.groupBy !== null && group !== null) sp.append("filter", `${rule.groupBy}:${group}`);
  sp.set("from", new Date(window.fromMs).toISOString());
  sp.set("to", new Date(window.toMs).toISOString());
  return `${publicUrl.replace(/\/+$/, "")}/grep/${encodeURIComponent(rule.indexName)}?${sp.toString()}`;
}

export function alertEvent(
  publicUrl: string,
  kind: AlertEventKind,
  rule: AlertRule,
  groupKey: string,
  counts: { value: number; previous: number | null },
  window: { fromMs: number; toMs: number },
  firingSince: Date,
): AlertEvent {
  const group = rule.groupBy === null ? null : groupKey;
  const condition = { op: rule.conditionOp, value: rule.conditionValue };
  const pct =
    rule.conditionOp === "change" && counts.previous !== null
      ? changePercent(counts.value, counts.previous)
      : null;
  const link = readerLink(publicUrl, rule, group, window);
  const what = `${rule.name}${group === null ? "" : ` (${rule.groupBy}=${group})`}`;
  const span = durationText(rule.windowSeconds);
  const measured =
    pct !== null && Number.isFinite(pct)
      ? `${counts.value} matching lines in ${span}, ${pct >= 0 ? "+" : ""}${pct.toFixed(0)}% against the ${span} before`
      : `${counts.value} matching lines in ${span}`;
  const text =
    kind === "firing"
      ? `[FIRING] ${what} on ${rule.indexName}: ${measured} (alerts on ${conditionText(condition)}) ${link}`
      : `[RESOLVED] ${what} on ${rule.indexName}: ${measured} ${link}`;
  return {
    event: kind,
    rule: {
      id: rule.id,
      name: rule.name,
      index: rule.indexName,
      query: rule.query,
      condition,
      groupBy: rule.groupBy,
    },
    group,
    value: counts.value,
    previous: counts.previous,
    changePercent: pct !== null && Number.isFinite(pct) ? pct : null,
    window: {
      seconds: rule.windowSeconds,
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
    },
    firingSince: firingSince.toISOString(),
    link,
    text,
  };
}
