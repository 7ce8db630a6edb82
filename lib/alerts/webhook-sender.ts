/**
 * Sends the outbox's webhook events: each taken under a lease (so replicas do not both send it), POSTed as JSON,
 * marked sent on a 2xx; otherwise tried again with exponential backoff, "attempt N of M", then marked failed.
 * The events of one alert go out in order: one waits while an earlier one of the same rule and group is pending.
 *
 * What "once" means here: an event is marked sent right after the receiver's answer; a sender killed in between
 * (a few milliseconds) sends it again when the lease runs out. Everything before the POST is safe to kill.
 */
import { and, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { alertNotifications, type AlertNotification } from "@/db/schema";

export type WebhookOptions = {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait after the first failure; doubled after each further one, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  log?: (line: string) => void;
};

/** Events taken per round; the rest wait for the next tick. */
const BATCH = 20;

/** Exponential backoff before attempt `attempt + 1`. */
export function backoffMs(attempt: number, opts: Pick<WebhookOptions, "backoffMs" | "maxBackoffMs">): number {
  return Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Takes due events under a lease long enough for one POST, each counted as an attempt. */
export async function claimDueNotifications(db: Db, leaseMs: number): Promise<AlertNotification[]> {
  const due = db
    .select({ id: alertNotifications.id })
    .from(alertNotifications)
    .where(
      and(
        eq(alertNotifications.status, "pending"),
        lte(alertNotifications.nextAttemptAt, sql`now()`),
        or(isNull(alertNotifications.leaseUntil), lt(alertNotifications.leaseUntil, sql`now()`)),
        sql`NOT EXISTS (SELECT 1 FROM alert_notifications earlier WHERE earlier.rule_id = ${alertNotifications.ruleId}
          AND earlier.group_key = ${alertNotifications.groupKey} AND earlier.status = 'pending'
          AND earlier.id < ${alertNotifications.id})`,
      ),
    )
    .orderBy(alertNotifications.id)
    .limit(BATCH)
    .for("update", { skipLocked: true });
  return db
    .update(alertNotifications)
    .set({
      leaseUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
      attempts: sql`${alertNotifications.attempts} + 1`,
    })
    .where(inArray(alertNotifications.id, due))
    .returning();
}

async function post(n: AlertNotification, opts: WebhookOptions): Promise<string | null> {
  try {
    const res = await fetch(n.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "alco-alerts",
        "x-alco-attempt": `${n.attempts} of ${opts.attempts}`,
      },
      body: JSON.stringify(n.payload),
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: "manual",
    });
    await res.body?.cancel().catch(() => undefined);
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return e.name === "TimeoutError" ? `no answer in ${opts.timeoutMs} ms` : (e.cause?.code ?? e.message);
  }
}

/** Sends what is due; returns how many events were tried. Never throws for a receiver's failure. */
export async function deliverDueNotifications(db: Db, opts: WebhookOptions): Promise<number> {
  const log = opts.log ?? console.log;
  const taken = await claimDueNotifications(db, opts.timeoutMs + 5_000);
  await Promise.all(
    taken.map(async (n) => {
      const started = performance.now();
      const error = await post(n, opts);
      const ms = Math.round(performance.now() - started);
      const what = `rule ${n.ruleId}${n.groupKey ? ` group ${JSON.stringify(n.groupKey)}` : ""} ${n.event}`;
      if (error === null) {
        await db
          .update(alertNotifications)
          .set({ status: "sent", sentAt: sql`now()`, leaseUntil: null, lastError: null })
          .where(eq(alertNotifications.id, n.id));
        log(`[alerts] webhook ${what}: sent, attempt ${n.attempts} of ${opts.attempts} (${ms} ms)`);
        return;
      }
      const last = n.attempts >= opts.attempts;
      const waitMs = backoffMs(n.attempts, opts);
      await db
        .update(alertNotifications)
        .set({
          status: last ? "failed" : "pending",
          lastError: `attempt ${n.attempts} of ${opts.attempts}: ${error}`,
          leaseUntil: null,
          nextAttemptAt: sql`now() + make_interval(secs => ${waitMs / 1000})`,
        })
        .where(eq(alertNotifications.id, n.id));
      log(
        `[alerts] webhook ${what}: attempt ${n.attempts} of ${opts.attempts} failed after ${ms} ms (${error})` +
          (last ? ", giving up: marked failed" : `, next in ${waitMs} ms`),
      );
    }),
  );
  return taken.length;
}
