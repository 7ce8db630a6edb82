/** The web runtime's connections, one each per process. */
import "server-only";
import { getDb, type Db } from "@/db/client";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { env } from "@/lib/env";

let engine: Engine | null = null;

export function db(): Db {
  return getDb(env.DATABASE_URL);
}

export function searchEngine(): Engine {
  engine ??= createEngine(parseEngineAddress(env.SEARCHD_URL), { connections: 8 });
  return engine;
}
