import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { deleteSavedSearch, getSavedSearch } from "@/lib/saved-searches/saved-searches";
import { savedSearchIdSchema } from "@/lib/saved-searches/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const DELETE = withApi(
  { auth: "read", params: z.object({ id: savedSearchIdSchema }) },
  async ({ params: { id }, principal }) => {
    const saved = await getSavedSearch(db(), id);
    if (!saved) throw new ApiError("not_found", `no saved search with id ${id}`);
    await requireReadableIndex(db(), principal, saved.indexName);
    await deleteSavedSearch(db(), id);
    return new Response(null, { status: 204 });
  },
);
