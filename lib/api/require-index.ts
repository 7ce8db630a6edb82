import "server-only";
import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { canReadIndex, type Principal } from "@/lib/auth/authenticate";
import { noSuchIndex, requireIndex } from "@/lib/indexes/require-index";
import { ApiError } from "./errors";

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
