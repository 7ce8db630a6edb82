/** Saved searches: a name for a reader URL of one logger index. One schema for the API and the UI. */
import { z } from "zod";
import { isValidIndexName } from "@/lib/engine/index-names";

import { MAX_SAVED_SEARCH_NAME, MAX_SAVED_SEARCH_URL } from "./limits";

export { MAX_SAVED_SEARCH_NAME, MAX_SAVED_SEARCH_URL };

/** Whether `url` is a reader URL of that index: `/grep/<index>` alone or followed by `?…`, `#…` or `/…`. */
export function isReaderUrlOf(url: string, indexName: string): boolean {
  const prefix = `/grep/${indexName}`;
  return url.startsWith(prefix) && (url.length === prefix.length || "?#/".includes(url[prefix.length]!));
}

const indexName = (name: string) =>
  z
    .string({ error: `${name}: required, the name of a logger index` })
    .refine(
      isValidIndexName,
      `${name}: an index name is lowercase letters, digits and _ (starting with a letter, at most 48)`,
    );

const savedSearchName = z
  .string({ error: "name: required, 1 to 100 characters" })
  .trim()
  .min(1, "name: 1 to 100 characters")
  .max(MAX_SAVED_SEARCH_NAME, "name: 1 to 100 characters");

export const createSavedSearchSchema = z
  .object({
    indexName: indexName("indexName"),
    name: savedSearchName,
    url: z
      .string({ error: "url: required, a reader URL such as /grep/<index>?q=error" })
      .max(MAX_SAVED_SEARCH_URL, `url: at most ${MAX_SAVED_SEARCH_URL} characters`)
      .regex(/^[^\s\u0000-\u001f\u007f]*$/, "url: no spaces or control characters (URL-encode them)"),
  })
  .refine((s) => isReaderUrlOf(s.url, s.indexName), {
    message: 'url: must start with "/grep/<indexName>"',
    path: ["url"],
  });
export type CreateSavedSearchInput = z.output<typeof createSavedSearchSchema>;

/** PATCH body: a new name. The URL and the index stay what they were saved as; a new view is a new search. */
export const renameSavedSearchSchema = z.strictObject(
  { name: savedSearchName },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `${issue.keys.join(", ")}: only the name of a saved search can change`
        : undefined,
  },
);
export type RenameSavedSearchInput = z.output<typeof renameSavedSearchSchema>;

export const listSavedSearchesSchema = z.object({ index: indexName("index").optional() });

export const savedSearchIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, "id: a saved search id (a positive whole number)")
  .transform(Number);

/** What the API returns for a saved search, and the reader reads. */
export type SavedSearch = { id: number } & CreateSavedSearchInput;
