import { ApiError, withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { canReadIndex } from "@/lib/auth/authenticate";
import { createSavedSearch, listSavedSearches } from "@/lib/saved-searches/saved-searches";
import { createSavedSearchSchema, listSavedSearchesSchema } from "@/lib/saved-searches/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "read", query: listSavedSearchesSchema }, async ({ query, principal }) => {
  if (query.index !== undefined) await requireReadableIndex(db(), principal, query.index);
  const savedSearches = (await listSavedSearches(db(), query.index)).filter((s) =>
    canReadIndex(principal, s.indexName),
  );
  return Response.json({ savedSearches }, { headers: { "cache-control": "no-store" } });
});

export const POST = withApi({ auth: "read", body: createSavedSearchSchema }, async ({ body, principal }) => {
  await requireReadableIndex(db(), principal, body.indexName);
  const created = await createSavedSearch(db(), body);
  if (!created) throw new ApiError("not_found", `no logger index named ${JSON.stringify(body.indexName)}`);
  return Response.json(created, { status: 201 });
});
