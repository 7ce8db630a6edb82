/** The alert evaluator's environment (workers/alerts.ts), parsed once. */
import { z } from "zod";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";

export const alertsEnvSchema = baseEnvSchema.extend({
  /** The reader's address as people open it, for the links in webhook events. */
  ALCO_PUBLIC_URL: z.url({ error: "ALCO_PUBLIC_URL: an http(s) URL" }).default("http://127.0.0.1:3000"),
  /** How often the evaluator looks for due rules and due webhook events; rules keep their own everySeconds. */
  ALERTS_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  ALERTS_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  ALERTS_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(600_000).default(5_000),
  ALERTS_WEBHOOK_MAX_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
  ALERTS_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

export type AlertsEnv = z.infer<typeof alertsEnvSchema>;

export function parseAlertsEnv(source: EnvSource): AlertsEnv {
  return parseEnv("alerts", alertsEnvSchema, source);
}
