/** The collector's environment, parsed once: every service of lib/base-env.ts, and the collector's own settings. */
import { z } from "zod";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";

export const collectorEnvSchema = baseEnvSchema.extend({
  /** Rows per batch and the longest a record waits for its batch to fill (see batcher.ts for the trade). */
  BATCH_SIZE: z.coerce.number().int().min(1).max(20_000).default(2000),
  BATCH_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024),
  // Bytes received and not yet acked, per index, above which a consumer pauses (index-consumer.ts).
  MAX_INFLIGHT_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(32 * 1024 * 1024),
  /** Distinct values kept per filtered column in Redis. */
  VALUES_PER_COLUMN: z.coerce.number().int().min(1).default(1000),
  LOGCOLLECT_TIMEZONE: z.string().default("UTC"),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  METRICS_HOST: z.string().default("127.0.0.1"),
  INDEX_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
});

export type CollectorEnv = z.infer<typeof collectorEnvSchema>;

export function parseCollectorEnv(source: EnvSource): CollectorEnv {
  return parseEnv("collector", collectorEnvSchema, source);
}
