/**
 * Alert rules and their states as the API shows them: the admin's rules (create, change, delete) and the
 * alerts people see and clear. The evaluator (alert-evaluator.ts) is what changes states otherwise.
 */
import "server-only";
import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertNotifications, alertRules, alertStates, type AlertRule, type AlertState } from "@/db/schema";
import { AppError } from "@/lib/errors/app-error";
import { requireIndex } from "@/lib/indexes/require-index";
import type { CreateAlertInput, UpdateAlertInput } from "./schema";
import type { Delivery, PublicAlert, PublicAlertRule } from "./wire";

export type { Delivery, PublicAlert, PublicAlertRule };
import { readerLink } from "./webhook-event";

/** A resolved or cleared alert stays in the list this long, so that "it fired at night" is still seen. */
export const RECENT_MS = 24 * 3_600_000;

export function publicRule(r: AlertRule): PublicAlertRule {
  return {
    id: r.id,
    name: r.name,
    index: r.indexName,
    query: r.query,
    windowSeconds: r.windowSeconds,
    condition: { op: r.conditionOp, value: r.conditionValue },
    groupBy: r.groupBy,
    webhookUrl: r.webhookUrl,
    everySeconds: r.everySeconds,
    enabled: r.enabled,
    evaluatedAt: r.evaluatedAt?.toISOString() ?? null,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

const noSuchAlert = (id: number) => new AppError("not_found", `no alert rule ${id}`);

export async function listAlertRules(db: Db): Promise<PublicAlertRule[]> {
  const rows = await db.select().from(alertRules).orderBy(alertRules.id);
  return rows.map(publicRule);
}

export async function getAlertRule(db: Db, id: number): Promise<AlertRule> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.id, id));
  if (!row) throw noSuchAlert(id);
  return row;
}

export async function createAlertRule(db: Db, input: CreateAlertInput): Promise<PublicAlertRule> {
  await requireIndex(db, input.index);
  const [row] = await db
    .insert(alertRules)
    .values({
      name: input.name,
      indexName: input.index,
      query: input.query,
      windowSeconds: input.windowSeconds,
      conditionOp: input.condition.op,
      conditionValue: input.condition.value,
      groupBy: input.groupBy ?? null,
      webhookUrl: input.webhookUrl ?? null,
      everySeconds: input.everySeconds,
      enabled: input.enabled,
    })
    .returning();
  return publicRule(row!);
}

/**
 * Changes a rule. A change to what is counted (query, window, condition, groupBy) forgets its states: they
 * describe another question, and the next evaluation starts afresh (nothing is sent for the forgotten ones).
 */
export async function updateAlertRule(db: Db, id: number, input: UpdateAlertInput): Promise<PublicAlertRule> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(alertRules)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.query !== undefined && { query: input.query }),
        ...(input.windowSeconds !== undefined && { windowSeconds: input.windowSeconds }),
        ...(input.condition !== undefined && {
          conditionOp: input.condition.op,
          conditionValue: input.condition.value,
        }),
        ...(input.groupBy !== undefined && { groupBy: input.groupBy }),
        ...(input.webhookUrl !== undefined && { webhookUrl: input.webhookUrl }),
        ...(input.everySeconds !== undefined && { everySeconds: input.everySeconds }),
        ...(input.enabled !== undefined && { enabled: input.enabled }),
        updatedAt: new Date(),
      })
      .where(eq(alertRules.id, id))
      .returning();
    if (!row) throw noSuchAlert(id);
    const counted =
      input.query !== undefined ||
      input.windowSeconds !== undefined ||
      input.condition !== undefined ||
      input.groupBy !== undefined;
    if (counted) await tx.delete(alertStates).where(eq(alertStates.ruleId, id));
    return publicRule(row);
  });
}

export async function deleteAlertRule(db: Db, id: number): Promise<void> {
  const deleted = await db.delete(alertRules).where(eq(alertRules.id, id)).returning({ id: alertRules.id });
  if (deleted.length === 0) throw noSuchAlert(id);
}

function publicAlert(rule: AlertRule, s: AlertState, delivery: Delivery | null): PublicAlert {
  return {
    ruleId: rule.id,
    rule: rule.name,
    index: rule.indexName,
    group: rule.groupBy === null ? null : s.groupKey,
    status: s.status,
    active: s.status === "firing" && s.clearedAt === null,
    value: s.lastValue,
    firingSince: s.firingSince.toISOString(),
    resolvedAt: s.resolvedAt?.toISOString() ?? null,
    window: { from: s.windowFrom.toISOString(), to: s.windowTo.toISOString() },
    clearedAt: s.clearedAt?.toISOString() ?? null,
    clearedBy: s.clearedBy,
    delivery,
    link: readerLink("", rule, rule.groupBy === null ? null : s.groupKey, {
      fromMs: s.windowFrom.getTime(),
      toMs: s.windowTo.getTime(),
    }),
  };
}

/**
 * The alerts that fire, and those that resolved or were cleared in the last RECENT_MS, of the indexes `canRead`
 * allows: active ones first, then newest first.
 */
export async function listAlerts(
  db: Db,
  canRead: (index: string) => boolean,
  nowMs = Date.now(),
): Promise<PublicAlert[]> {
  const since = new Date(nowMs - RECENT_MS);
  const rows = await db
    .select({ rule: alertRules, state: alertStates })
    .from(alertStates)
    .innerJoin(alertRules, eq(alertRules.id, alertStates.ruleId))
    .where(or(eq(alertStates.status, "firing"), gt(alertStates.updatedAt, since)))
    .orderBy(desc(alertStates.firingSince));
  const visible = rows.filter((r) => canRead(r.rule.indexName));
  const ruleIds = [...new Set(visible.map((r) => r.rule.id))];
  const deliveries = new Map<string, Delivery>();
  if (ruleIds.length) {
    const newest = await db
      .selectDistinctOn([alertNotifications.ruleId, alertNotifications.groupKey], {
        ruleId: alertNotifications.ruleId,
        groupKey: alertNotifications.groupKey,
        status: alertNotifications.status,
        attempts: alertNotifications.attempts,
        lastError: alertNotifications.lastError,
      })
      .from(alertNotifications)
      .where(inArray(alertNotifications.ruleId, ruleIds))
      .orderBy(alertNotifications.ruleId, alertNotifications.groupKey, desc(alertNotifications.id));
    for (const n of newest)
      deliveries.set(`${n.ruleId}\u0000${n.groupKey}`, {
        status: n.status,
        attempts: n.attempts,
        lastError: n.lastError,
      });
  }
  const alerts = visible.map((r) =>
    publicAlert(r.rule, r.state, deliveries.get(`${r.rule.id}\u0000${r.state.groupKey}`) ?? null),
  );
  return alerts.sort((a, b) => Number(b.active) - Number(a.active));
}

/**
 * Clears one group's alert, or every firing group of the rule: it leaves the bell until the rule fires again
 * (after resolving). The condition is still evaluated: a resolved event is still sent when it ends.
 */
export async function clearAlert(
  db: Db,
  canRead: (index: string) => boolean,
  id: number,
  group: string | undefined,
  by: string,
): Promise<PublicAlert[]> {
  const rule = await getAlertRule(db, id).catch(() => null);
  // A rule of an index the caller may not read answers as one that does not exist.
  if (!rule || !canRead(rule.indexName)) throw noSuchAlert(id);
  const groupKey = group === undefined ? undefined : rule.groupBy === null ? "" : group;
  const cleared = await db
    .update(alertStates)
    .set({ clearedAt: new Date(), clearedBy: by, updatedAt: new Date() })
    .where(
      and(
        eq(alertStates.ruleId, id),
        isNull(alertStates.clearedAt),
        eq(alertStates.status, "firing"),
        groupKey === undefined ? sql`true` : eq(alertStates.groupKey, groupKey),
      ),
    )
    .returning();
  if (group !== undefined && cleared.length === 0) {
    const [exists] = await db
      .select({ k: alertStates.groupKey })
      .from(alertStates)
      .where(and(eq(alertStates.ruleId, id), eq(alertStates.groupKey, groupKey!)));
    if (!exists)
      throw new AppError("not_found", `group: rule ${id} has no alert for ${JSON.stringify(group)}`);
  }
  return cleared.map((s) => publicAlert(rule, s, null));
}
