/** Environment of the searchd supervisor process (workers/searchd.ts). */
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco"),
  SEARCHD_DATA_DIR: z.string().default("./tmp/searchd"),
  SEARCHD_LISTEN: z.string().default("127.0.0.1:9306"),
  SEARCHD_BINARY: z.string().default("searchd"),
  ENGINE_SYNC_MS: z.coerce.number().int().min(100).default(2000),
  // A production searchd may replay minutes of binlog before it serves; giving up would restart the replay.
  SEARCHD_START_TIMEOUT_MS: z.coerce.number().int().min(1000).default(600_000),
  // Saving large RAM chunks takes longer than a test's; whatever stops the supervisor must allow more than this.
  SEARCHD_STOP_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
});

export type SearchdEnv = z.infer<typeof schema>;

export function parseSearchdEnv(source: Record<string, string | undefined>): SearchdEnv {
  const r = schema.safeParse(source);
  if (!r.success) throw new Error(`invalid searchd environment: ${r.error.message}`);
  return r.data;
}
