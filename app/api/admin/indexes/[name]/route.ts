import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/indexes/require-index";
import { listAdminIndexes } from "@/lib/admin/index-stats";
import { deleteIndexEverywhere, updateIndexSettings } from "@/lib/admin/manage-indexes";
import { deleteIndexQuerySchema, updateIndexSchema } from "@/lib/indexes/schema";
import { db, redis, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

const indexParams = z.object({ name: z.string() });

export const GET = withApi({ auth: "admin", params: indexParams }, async ({ params }) => {
  const index = await requireIndex(db(), params.name);
  const [withStats] = await listAdminIndexes(db(), searchEngine(), index.name);
  if (!withStats) throw new ApiError("not_found", `no logger index named ${JSON.stringify(index.name)}`);
  return Response.json({ index: withStats }, { headers: { "cache-control": "no-store" } });
});

export const PATCH = withApi(
  { auth: "admin", params: indexParams, body: updateIndexSchema },
  async ({ params, body }) => Response.json({ index: await updateIndexSettings(db(), params.name, body) }),
);

export const DELETE = withApi(
  { auth: "admin", params: indexParams, query: deleteIndexQuerySchema },
  async ({ params, query }) => {
    if (query.confirm !== params.name)
      throw new ApiError(
        "bad_request",
        `confirm: repeat the index's name (?confirm=${params.name}) to delete it`,
      );
    await deleteIndexEverywhere(db(), redis(), params.name);
    return new Response(null, { status: 204 });
  },
);
