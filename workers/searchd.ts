/**
 * Runs and supervises searchd: generated config, restarts when it dies, tables kept in step with the logger
 * indexes and the retention window (lib/indexes/engine-sync.ts). Two-stage shutdown once it serves: the first
 * SIGTERM/SIGINT stops the sync and then searchd; a second one exits at once.
 */
import { getDb } from "@/db/client";
import { envOrExit } from "@/lib/base-env";
import { EngineSync } from "@/lib/indexes/engine-sync";
import { parseEngineAddress } from "@/lib/engine/engine-client";
import { parseSearchdEnv } from "@/lib/engine/searchd-env";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";

const env = envOrExit(() => parseSearchdEnv(process.env));
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
  onTwoStageShutdown({
    name: "searchd",
    signals: ["SIGTERM", "SIGINT"],
    // searchd itself gets SEARCHD_STOP_TIMEOUT_MS to save its RAM chunks before the supervisor kills it.
    graceMs: env.SEARCHD_STOP_TIMEOUT_MS + 10_000,
    stopping: "stopping the engine sync, then searchd",
    stop: () => sync.stop().then(() => supervisor.stop()),
    abandon: () => `searchd, pid ${supervisor.pid ?? "none"}, is not waited for`,
  });
}

main().catch((err: unknown) => {
  console.error(`[searchd] ${(err as Error).message}`);
  void supervisor.stop().finally(() => process.exit(1));
});
