/**
 * The alert evaluator: evaluates every rule each `everySeconds` and sends the webhook events. Any number may run;
 * each rule is evaluated by one of them at a time (lib/alerts/evaluate-rule.ts). Two-stage shutdown: the first
 * SIGTERM/SIGINT lets the tick under way finish; a second one exits at once, which loses nothing either (an
 * evaluation's transaction rolls back, an event being sent is sent again when its lease runs out).
 */
import { getDb } from "@/db/client";
import { AlertEvaluator } from "@/lib/alerts/alert-evaluator";
import { parseAlertsEnv } from "@/lib/alerts/env";
import { envOrExit } from "@/lib/base-env";
import { createEngine, parseEngineAddress } from "@/lib/engine/engine-client";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";

const env = envOrExit(() => parseAlertsEnv(process.env));

const evaluator = new AlertEvaluator({
  db: getDb(env.DATABASE_URL),
  engine: createEngine(parseEngineAddress(env.SEARCHD_URL), { connections: 2 }),
  publicUrl: env.ALCO_PUBLIC_URL,
  tickMs: env.ALERTS_TICK_MS,
  webhook: {
    attempts: env.ALERTS_WEBHOOK_ATTEMPTS,
    backoffMs: env.ALERTS_WEBHOOK_BACKOFF_MS,
    maxBackoffMs: env.ALERTS_WEBHOOK_MAX_BACKOFF_MS,
    timeoutMs: env.ALERTS_WEBHOOK_TIMEOUT_MS,
  },
});

onTwoStageShutdown({
  name: "alerts",
  graceMs: env.ALERTS_WEBHOOK_TIMEOUT_MS + 10_000,
  stop: () => evaluator.stop(),
  abandon: () => "an evaluation under way rolls back; an event being sent is sent again later",
});

evaluator.start();
console.log(`[alerts] evaluating alert rules every ${env.ALERTS_TICK_MS} ms tick`);
