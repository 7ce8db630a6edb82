import "server-only";
import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex } from "@/lib/indexes/logger-indexes";
import { canReadIndex, type Principal } from "@/lib/auth/authenticate";
import { ApiError } from "./errors";

/** The logger index a route names, or the API's 404. */
export async function requireIndex(db: Db, name: string): Promise<LoggerIndex> {
  const index = isValidIndexName(name) ? await getIndex(db, name) : undefined;
  if (!index) throw new ApiError("not_found", `no logger index named ${JSON.stringify(name.slice(0, 64))}`);
  return index;
}

/** The logger index a route names, if the caller may read it: 404 when there is none, 403 when not allowed. */
export async function requireReadableIndex(
  db: Db,
  principal: Principal | null,
  name: string,
): Promise<LoggerIndex> {
  const index = await requireIndex(db, name);
  if (!principal)
    throw new ApiError("unauthorized", "sign in, or send an API token as `Authorization: Bearer <token>`");
  if (!canReadIndex(principal, index.name))
    throw new ApiError("forbidden", `you have no access to the index ${JSON.stringify(index.name)}`);
  return index;
}
