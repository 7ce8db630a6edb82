/**
 * The evaluator's loop: every tick, evaluates the rules that are due (evaluate-rule.ts) one after another, then
 * sends the webhook events that are due (webhook-sender.ts). One tick at a time; a failure of one rule (the
 * engine away, PostgreSQL away) is logged and recorded on the rule, and the loop goes on.
 */
import type { Db } from "@/db/client";
import type { Engine } from "@/lib/engine/engine-client";
import { dueRules, evaluateRule, recordEvaluationError } from "./evaluate-rule";
import { deliverDueNotifications, type WebhookOptions } from "./webhook-sender";

/** The reason, not the statement: drizzle's own message is the whole failed query, its cause says why. */
function errorText(err: unknown): string {
  const e = err as { sqlMessage?: string; message?: string; cause?: { message?: string } };
  return e.sqlMessage ?? e.cause?.message ?? e.message ?? String(err);
}

export type AlertEvaluatorOptions = {
  db: Db;
  engine: Engine;
  publicUrl: string;
  tickMs: number;
  webhook: WebhookOptions;
  log?: (line: string) => void;
};

export class AlertEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: AlertEvaluatorOptions) {
    this.log = opts.log ?? console.log;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Lets the tick under way finish (its transactions commit or roll back), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.opts.tickMs);
      });
    }, ms);
  }

  /** One round: due rules, then due webhook events. */
  async tick(): Promise<void> {
    await this.evaluateDue();
    if (this.stopped) return;
    try {
      await deliverDueNotifications(this.opts.db, { log: this.log, ...this.opts.webhook });
    } catch (err) {
      this.log(`[alerts] sending webhook events failed: ${errorText(err)}`);
    }
  }

  async evaluateDue(): Promise<void> {
    const { db } = this.opts;
    let rules;
    try {
      rules = await dueRules(db);
    } catch (err) {
      this.log(`[alerts] reading the rules failed: ${errorText(err)}`);
      return;
    }
    for (const rule of rules) {
      if (this.stopped) return;
      try {
        const r = await evaluateRule(
          { db, engine: this.opts.engine, publicUrl: this.opts.publicUrl },
          rule.id,
        );
        if (r.outcome === "evaluated" && (r.fired.length || r.resolved.length))
          this.log(
            `[alerts] rule ${rule.id} (${rule.name}): ${r.fired.length} firing, ${r.resolved.length} resolved`,
          );
      } catch (err) {
        const message = errorText(err);
        this.log(`[alerts] rule ${rule.id} (${rule.name}) could not be evaluated: ${message}`);
        await recordEvaluationError(db, rule.id, message).catch(() => undefined);
      }
    }
  }
}
