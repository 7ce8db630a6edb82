/** The collector's environment, parsed once. Defaults are the local services of a development machine. */
import { z } from "zod";

export const collectorEnvSchema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco"),
  AMQP_URL: z.string().default("amqp://guest:guest@127.0.0.1:5672"),
  AMQP_EXCHANGE: z.string().default("logstash"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().default("alco:"),
  SEARCHD_URL: z.string().default("127.0.0.1:9306"),
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

export function parseCollectorEnv(source: Record<string, string | undefined>): CollectorEnv {
  const r = collectorEnvSchema.safeParse(source);
  if (!r.success) {
    throw new Error(
      `invalid collector environment: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}
