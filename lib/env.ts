/** The web app's environment, parsed once. Defaults are the local services of a development machine. */
import "server-only";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco"),
  SEARCHD_URL: z.string().default("127.0.0.1:9306"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().default("alco:"),
  AMQP_URL: z.string().default("amqp://guest:guest@127.0.0.1:5672"),
  AMQP_EXCHANGE: z.string().default("logstash"),
  /** Live tails (lib/live/live-session.ts): lines a second per connection; beyond it lines are sampled. */
  LIVE_MAX_LINES_PER_SEC: z.coerce.number().int().min(1).default(1000),
  /** How long a live line is held so that lines arriving out of order are sent in time order. */
  LIVE_REORDER_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** Most lines a live tail back-fills from the index when it (re)connects; the newest ones when more. */
  LIVE_BACKFILL_MAX: z.coerce.number().int().min(0).default(10_000),
  /** Most lines a live tail holds for ordering or while its client is slow. */
  LIVE_BUFFER_MAX: z.coerce.number().int().min(100).default(20_000),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  throw new Error(
    `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}

export const env = parsed.data;
