/** The web app's environment, parsed once. Defaults are the local services of a development machine. */
import "server-only";
import { z } from "zod";
import { TrustedProxies } from "@/lib/api/trusted-proxies";

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
  /**
   * Proxies whose X-Forwarded-For/-Proto/-Host are believed (addresses or CIDRs, comma- or space-separated).
   * None by default: the socket's peer is the client, whatever headers it sends (lib/api/client-address.ts).
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((spec, ctx) => {
      try {
        return new TrustedProxies(spec);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Set by alco's web server (workers/web.ts) for itself: the tag that marks the peer address it wrote. */
  ALCO_PEER_KEY: z.string().min(16).optional(),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  throw new Error(
    `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}

export const env = parsed.data;
