import "server-only";
import { desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { savedSearches } from "@/db/schema";
import { AppError } from "@/lib/errors/app-error";
import type { CreateSavedSearchInput, RenameSavedSearchInput, SavedSearch } from "./schema";

const columns = {
  id: savedSearches.id,
  indexName: savedSearches.indexName,
  name: savedSearches.name,
  url: savedSearches.url,
};

/** Newest first; one index's, or all. */
export async function listSavedSearches(db: Db, indexName?: string): Promise<SavedSearch[]> {
  const q = db.select(columns).from(savedSearches);
  return (indexName ? q.where(eq(savedSearches.indexName, indexName)) : q).orderBy(
    desc(savedSearches.createdAt),
    desc(savedSearches.id),
  );
}

const FOREIGN_KEY_VIOLATION = "23503";

/** The created search, or null when its index does not exist. */
export async function createSavedSearch(db: Db, input: CreateSavedSearchInput): Promise<SavedSearch | null> {
  try {
    const [row] = await db.insert(savedSearches).values(input).returning(columns);
    return row!;
  } catch (err) {
    // drizzle wraps the driver's error in `cause`.
    const e = err as { code?: string; cause?: { code?: string } };
    if ((e.cause?.code ?? e.code) === FOREIGN_KEY_VIOLATION) return null;
    throw err;
  }
}

export async function getSavedSearch(db: Db, id: number): Promise<SavedSearch | undefined> {
  const [row] = await db.select(columns).from(savedSearches).where(eq(savedSearches.id, id));
  return row;
}

/** Whether a saved search with that id existed. */
export async function deleteSavedSearch(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .delete(savedSearches)
    .where(eq(savedSearches.id, id))
    .returning({ id: savedSearches.id });
  return rows.length > 0;
}

/** The renamed search; AppError not_found when there is no saved search with that id. */
export async function renameSavedSearch(
  db: Db,
  id: number,
  input: RenameSavedSearchInput,
): Promise<SavedSearch> {
  const [row] = await db
    .update(savedSearches)
    .set({ name: input.name })
    .where(eq(savedSearches.id, id))
    .returning(columns);
  if (!row) throw new AppError("not_found", `no saved search with id ${id}`);
  return row;
}
