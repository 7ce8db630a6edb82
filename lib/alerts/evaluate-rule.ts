/**
 * One evaluation of one rule, in one PostgreSQL transaction: the counts, the states they change and the webhook
 * events those changes cause (alert_notifications, the outbox) commit together or not at all. An evaluator
 * killed halfway leaves nothing behind, and the next one evaluates afresh; one that committed has handed its
 * events to the outbox, which sends each once (webhook-sender.ts).
 *
 * Replicas: a transaction-scoped advisory lock per rule, taken without waiting, and the rule's `evaluated_at`
 * read under it, so of several evaluators the first one evaluates and the others skip the rule until it is due
 * again. Being due is judged by PostgreSQL's clock, which all replicas share.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertNotifications, alertRules, alertStates, type AlertRule, type AlertState } from "@/db/schema";
import type { Engine } from "@/lib/engine/engine-client";
import { conditionHolds, needsPreviousWindow } from "./conditions";
import { countWindow } from "./count-window";
import { alertEvent, type AlertEventKind } from "./webhook-event";

/** The first key of the evaluator's advisory locks (the second is the rule id): "alrt". */
export const ALERT_LOCK_KEY = 0x616c7274;

/** A rule counts as due this much early, so that a tick landing just before its time does not wait a period. */
const DUE_SLACK_MS = 100;

export type EvaluationContext = {
  db: Db;
  engine: Engine;
  /** Where the reader is, for the links in webhook events. */
  publicUrl: string;
  nowMs?: () => number;
};

export type EvaluationResult =
  { outcome: "skipped" } | { outcome: "evaluated"; fired: string[]; resolved: string[] };

/** Rules whose period has passed, by PostgreSQL's clock, with their index's retention (the query's days). */
export async function dueRules(db: Db): Promise<AlertRule[]> {
  return db
    .select()
    .from(alertRules)
    .where(
      and(
        eq(alertRules.enabled, true),
        sql`(${alertRules.evaluatedAt} IS NULL OR ${alertRules.evaluatedAt} <= now() - make_interval(secs => ${alertRules.everySeconds}) + make_interval(secs => ${DUE_SLACK_MS / 1000}))`,
      ),
    )
    .orderBy(alertRules.evaluatedAt);
}

export async function evaluateRule(ctx: EvaluationContext, ruleId: number): Promise<EvaluationResult> {
  return ctx.db.transaction(async (tx) => {
    const lock = await tx.execute<{ ok: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${ALERT_LOCK_KEY}, ${ruleId}) AS ok`,
    );
    if (!lock.rows[0]?.ok) return { outcome: "skipped" };
    const [row] = await tx
      .select({
        rule: alertRules,
        retentionDays: sql<number>`(SELECT retention_days FROM logger_indexes WHERE name = ${alertRules.indexName})`,
        due: sql<boolean>`(${alertRules.evaluatedAt} IS NULL OR ${alertRules.evaluatedAt} <= now() - make_interval(secs => ${alertRules.everySeconds}) + make_interval(secs => ${DUE_SLACK_MS / 1000}))`,
      })
      .from(alertRules)
      .where(and(eq(alertRules.id, ruleId), eq(alertRules.enabled, true)));
    // Another replica evaluated it between our list and our lock, or it was disabled or deleted.
    if (!row?.due) return { outcome: "skipped" };
    const { rule } = row;
    const target = { name: rule.indexName, retentionDays: Number(row.retentionDays) };

    const windowMs = rule.windowSeconds * 1000;
    const toMs = (ctx.nowMs ?? Date.now)();
    const window = { fromMs: toMs - windowMs + 1, toMs };
    const condition = { op: rule.conditionOp, value: rule.conditionValue };
    const withPrevious = needsPreviousWindow(condition);
    const [current, previous] = await Promise.all([
      countWindow(ctx.engine, target, rule, window),
      withPrevious
        ? countWindow(ctx.engine, target, rule, { fromMs: window.fromMs - windowMs, toMs: window.fromMs - 1 })
        : null,
    ]);

    const states = await tx.select().from(alertStates).where(eq(alertStates.ruleId, rule.id));
    const byGroup = new Map(states.map((s) => [s.groupKey, s]));
    // A group can fire without records in this window (it went quiet), so every group known is looked at.
    const groups = new Set([...current.keys(), ...(previous?.keys() ?? []), ...byGroup.keys()]);
    if (rule.groupBy === null) groups.add("");

    const now = new Date(toMs);
    const fired: string[] = [];
    const resolved: string[] = [];
    const events: { kind: AlertEventKind; group: string; firingSince: Date }[] = [];
    for (const group of groups) {
      const value = current.get(group) ?? 0;
      const before = previous ? (previous.get(group) ?? 0) : null;
      const holds = conditionHolds(condition, value, before ?? 0);
      const state: AlertState | undefined = byGroup.get(group);
      const firing = state?.status === "firing";
      const measured = {
        lastValue: value,
        windowFrom: new Date(window.fromMs),
        windowTo: new Date(window.toMs),
        updatedAt: now,
      };
      if (holds && !firing) {
        const fresh = {
          ...measured,
          status: "firing" as const,
          firingSince: now,
          resolvedAt: null,
          clearedAt: null,
          clearedBy: null,
        };
        await tx
          .insert(alertStates)
          .values({ ruleId: rule.id, groupKey: group, ...fresh })
          .onConflictDoUpdate({ target: [alertStates.ruleId, alertStates.groupKey], set: fresh });
        fired.push(group);
        events.push({ kind: "firing", group, firingSince: now });
      } else if (firing) {
        const set = holds ? measured : { ...measured, status: "resolved" as const, resolvedAt: now };
        await tx
          .update(alertStates)
          .set(set)
          .where(and(eq(alertStates.ruleId, rule.id), eq(alertStates.groupKey, group)));
        if (!holds) {
          resolved.push(group);
          events.push({ kind: "resolved", group, firingSince: state.firingSince });
        }
      }
    }

    if (rule.webhookUrl !== null && events.length) {
      const url = rule.webhookUrl;
      await tx.insert(alertNotifications).values(
        events.map((e) => ({
          ruleId: rule.id,
          groupKey: e.group,
          event: e.kind,
          url,
          payload: alertEvent(
            ctx.publicUrl,
            e.kind,
            rule,
            e.group,
            { value: current.get(e.group) ?? 0, previous: previous ? (previous.get(e.group) ?? 0) : null },
            window,
            e.firingSince,
          ),
        })),
      );
    }
    await tx
      .update(alertRules)
      .set({ evaluatedAt: sql`now()`, lastError: null })
      .where(eq(alertRules.id, rule.id));
    return { outcome: "evaluated", fired, resolved };
  });
}

/** Records why a rule could not be evaluated, and counts it as evaluated so it waits a period before the next try. */
export async function recordEvaluationError(db: Db, ruleId: number, message: string): Promise<void> {
  await db
    .update(alertRules)
    .set({ evaluatedAt: sql`now()`, lastError: message.slice(0, 500) })
    .where(eq(alertRules.id, ruleId));
}
