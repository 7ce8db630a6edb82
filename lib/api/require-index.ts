import "server-only";
import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex } from "@/lib/indexes/logger-indexes";
import { canReadIndex, type Principal } from "@/lib/auth/authenticate";
import { ApiError } from "./errors";

const noSuchIndex = (name: string) =>
  new ApiError("not_found", `no logger index named ${JSON.stringify(name.slice(0, 64))}`);

/** The logger index a route names, or the API's 404. */
export async function requireIndex(db: Db, name: string): Promise<LoggerIndex> {
  const index = isValidIndexName(name) ? await getIndex(db, name) : undefined;
  if (!index) throw noSuchIndex(name);
  return index;
}

/**
 * The logger index a route names, if the caller may read it. One the caller may not read answers the same 404 as
 * one that does not exist, so that a viewer cannot learn which names are taken.
 */
export async function requireReadableIndex(
  db: Db,
  principal: Principal | null,
  name: string,
): Promise<LoggerIndex> {
  if (!principal)
    throw new ApiError("unauthorized", "sign in, or send an API token as `Authorization: Bearer <token>`");
  const index = await requireIndex(db, name);
  if (!canReadIndex(principal, index.name)) throw noSuchIndex(name);
  return index;
}
