/** Environment of the searchd supervisor (workers/searchd.ts): PostgreSQL for the indexes, and searchd's own. */
import { z } from "zod";
import { baseEnvSchema, LOCAL_SERVICE_URLS, parseEnv, type EnvSource } from "@/lib/base-env";

const schema = baseEnvSchema.pick({ NODE_ENV: true, DATABASE_URL: true }).extend({
  SEARCHD_DATA_DIR: z.string().default("./tmp/searchd"),
  // Where searchd listens (by default where the others look for it), not a service it connects to: the local
  // default is safe in production too.
  SEARCHD_LISTEN: z.string().default(LOCAL_SERVICE_URLS.SEARCHD_URL),
  SEARCHD_BINARY: z.string().default("searchd"),
  ENGINE_SYNC_MS: z.coerce.number().int().min(100).default(2000),
  // A production searchd may replay minutes of binlog before it serves; giving up would restart the replay.
  SEARCHD_START_TIMEOUT_MS: z.coerce.number().int().min(1000).default(600_000),
  // Saving large RAM chunks takes longer than a test's; whatever stops the supervisor must allow more than this.
  SEARCHD_STOP_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
});

export type SearchdEnv = z.infer<typeof schema>;

export function parseSearchdEnv(source: EnvSource): SearchdEnv {
  return parseEnv("searchd", schema, source);
}
