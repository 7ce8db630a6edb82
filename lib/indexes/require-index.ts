import type { Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { AppError } from "@/lib/errors/app-error";
import { getIndex } from "./logger-indexes";

/** The answer for an index that does not exist, or that the caller may not know exists. */
export const noSuchIndex = (name: string) =>
  new AppError("not_found", `no logger index named ${JSON.stringify(name.slice(0, 64))}`);

/** The logger index a request names, or `not_found`. */
export async function requireIndex(db: Db, name: string): Promise<LoggerIndex> {
  const index = isValidIndexName(name) ? await getIndex(db, name) : undefined;
  if (!index) throw noSuchIndex(name);
  return index;
}
