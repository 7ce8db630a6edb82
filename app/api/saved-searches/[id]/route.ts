import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { deleteSavedSearch } from "@/lib/saved-searches/saved-searches";
import { savedSearchIdSchema } from "@/lib/saved-searches/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const noQuery = z.object({});

export const DELETE = withApi<{ id: string }, typeof noQuery>(noQuery, async ({ params }) => {
  const id = savedSearchIdSchema.parse(params.id);
  if (!(await deleteSavedSearch(db(), id))) throw new ApiError("not_found", `no saved search with id ${id}`);
  return new Response(null, { status: 204 });
});
