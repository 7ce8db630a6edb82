import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import type { Principal } from "@/lib/auth/authenticate";
import { deleteSavedSearch, getSavedSearch, renameSavedSearch } from "@/lib/saved-searches/saved-searches";
import { renameSavedSearchSchema, savedSearchIdSchema } from "@/lib/saved-searches/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const params = z.object({ id: savedSearchIdSchema });

/** A saved search of an index the caller may not read looks like one that does not exist. */
async function requireReadableSearch(id: number, principal: Principal) {
  const saved = await getSavedSearch(db(), id);
  if (!saved) throw new ApiError("not_found", `no saved search with id ${id}`);
  await requireReadableIndex(db(), principal, saved.indexName);
  return saved;
}

export const PATCH = withApi(
  { auth: "read", params, body: renameSavedSearchSchema },
  async ({ params: { id }, body, principal }) => {
    await requireReadableSearch(id, principal);
    return Response.json(await renameSavedSearch(db(), id, body));
  },
);

export const DELETE = withApi({ auth: "read", params }, async ({ params: { id }, principal }) => {
  await requireReadableSearch(id, principal);
  await deleteSavedSearch(db(), id);
  return new Response(null, { status: 204 });
});
