/**
 * The web app's environment, shared by the three places that parse it: workers/web.ts at start, so that a
 * production server without its service URLs does not start; lib/env.ts, where the app reads it; and
 * next.config.mjs at build. No `server-only`: workers/web.ts runs on plain Node, and next.config.mjs too.
 */
import { z } from "zod";
import { TrustedProxies } from "@/lib/net/trusted-proxies";
import { baseEnvSchema, parseEnv, type EnvSource, type ParseEnvOptions } from "@/lib/base-env";

export const webEnvSchema = baseEnvSchema.extend({
  /** Where workers/web.ts listens. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
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
   * None by default: the socket's peer is the client, whatever headers it sends (lib/auth/client-address.ts).
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

export type WebEnv = z.infer<typeof webEnvSchema>;

export function parseWebEnv(source: EnvSource, options?: ParseEnvOptions): WebEnv {
  return parseEnv("web", webEnvSchema, source, options);
}
