/** The web runtime's connections, one each per process. */
import "server-only";
import { Redis } from "ioredis";
import { getDb, type Db } from "@/db/client";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { env } from "@/lib/env";

let engine: Engine | null = null;
let redisClient: Redis | null = null;

export function db(): Db {
  return getDb(env.DATABASE_URL);
}

export function searchEngine(): Engine {
  engine ??= createEngine(parseEngineAddress(env.SEARCHD_URL), { connections: 8 });
  return engine;
}

/** Read-side Redis (facet values): fails fast rather than queueing requests while Redis is away. */
export function redis(): Redis {
  if (!redisClient) {
    redisClient = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    redisClient.on("error", (err: Error) => console.error(`redis: ${err.message}`));
  }
  return redisClient;
}
