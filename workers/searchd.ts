/**
 * Runs and supervises searchd: generated config, restarts when it dies, tables kept in step with the logger
 * indexes and the retention window (lib/engine/engine-sync.ts).
 */
import { getDb } from "@/db/client";
import { EngineSync } from "@/lib/engine/engine-sync";
import { parseEngineAddress } from "@/lib/engine/engine-client";
import { parseSearchdEnv } from "@/lib/engine/searchd-env";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { listIndexes } from "@/lib/indexes/logger-indexes";

const env = parseSearchdEnv(process.env);
const log = (l: string) => console.log(`[searchd] ${l}`);
const { host, port } = parseEngineAddress(env.SEARCHD_LISTEN);
const supervisor = new SearchdSupervisor({
  dataDir: env.SEARCHD_DATA_DIR,
  host,
  port,
  binary: env.SEARCHD_BINARY,
  startTimeoutMs: env.SEARCHD_START_TIMEOUT_MS,
  stopTimeoutMs: env.SEARCHD_STOP_TIMEOUT_MS,
  log,
});
const db = getDb(env.DATABASE_URL);

async function main() {
  const indexes = await listIndexes(db).catch((err: Error) => {
    log(`cannot read indexes yet (${err.message}); starting with none`);
    return [];
  });
  await supervisor.start(indexes.map((i) => ({ name: i.name, retentionDays: i.retentionDays })));
  log(`searchd (${supervisor.engineFlavor}) listening on ${host}:${port}, data in ${supervisor.dataDir}`);
  const sync = new EngineSync(supervisor, db, env.ENGINE_SYNC_MS, log);
  await sync.start();
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void sync
      .stop()
      .then(() => supervisor.stop())
      .then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error(`[searchd] ${(err as Error).message}`);
  void supervisor.stop().finally(() => process.exit(1));
});
