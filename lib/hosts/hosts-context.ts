/** The web runtime's side of the /hosts API: its connections, and the indexes the caller may read. */
import "server-only";
import { AppError } from "@/lib/errors/app-error";
import type { Principal } from "@/lib/auth/authenticate";
import { env } from "@/lib/env";
import { db, redis, searchEngine } from "@/lib/services";
import type { HostSources, ReadableIndex } from "./host-sources";
import { readableIndexes } from "./readable-indexes";

export async function hostsContext(
  principal: Principal | null,
): Promise<{ sources: HostSources; indexes: ReadableIndex[] }> {
  if (!principal)
    throw new AppError("unauthorized", "sign in, or send an API token as `Authorization: Bearer <token>`");
  return {
    sources: {
      engine: searchEngine(),
      redis,
      redisPrefix: env.REDIS_PREFIX,
      log: (line) => console.error(line),
    },
    indexes: await readableIndexes(db(), principal),
  };
}
