/** The alerts API's shapes, free of server imports so that the pages' client components can use them. */
import type { ConditionOp } from "./schema";

export type PublicAlertRule = {
  id: number;
  name: string;
  index: string;
  query: string;
  windowSeconds: number;
  condition: { op: ConditionOp; value: number };
  groupBy: string | null;
  webhookUrl: string | null;
  everySeconds: number;
  enabled: boolean;
  evaluatedAt: string | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
};

export type Delivery = { status: "pending" | "sent" | "failed"; attempts: number; lastError: string | null };

export type PublicAlert = {
  ruleId: number;
  rule: string;
  index: string;
  /** The groupBy value; null for a rule without groupBy. */
  group: string | null;
  status: "firing" | "resolved";
  /** Firing and not cleared by anyone: what the bell counts. */
  active: boolean;
  value: number;
  firingSince: string;
  resolvedAt: string | null;
  window: { from: string; to: string };
  clearedAt: string | null;
  clearedBy: string | null;
  /** The newest webhook event of this alert, if the rule has a webhook. */
  delivery: Delivery | null;
  /** The reader on the lines of the last window counted (a path on this server). */
  link: string;
};
