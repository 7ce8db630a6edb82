import "server-only";
import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex } from "@/lib/indexes/logger-indexes";
import { ApiError } from "./errors";

/** The logger index a route names, or the API's 404. */
export async function requireIndex(db: Db, name: string): Promise<LoggerIndex> {
  const index = isValidIndexName(name) ? await getIndex(db, name) : undefined;
  if (!index) throw new ApiError("not_found", `no logger index named ${JSON.stringify(name.slice(0, 64))}`);
  return index;
}
