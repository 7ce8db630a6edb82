import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/api/require-index";
import { listAdminIndexes } from "@/lib/admin/index-stats";
import { deleteIndexEverywhere, updateIndexSettings } from "@/lib/admin/manage-indexes";
import { deleteIndexQuerySchema, updateIndexSchema } from "@/lib/indexes/schema";
import { db, redis, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

type Params = { name: string };
const noQuery = z.object({});

export const GET = withApi<Params, typeof noQuery>(
  noQuery,
  async ({ params }) => {
    const index = await requireIndex(db(), params.name);
    const [withStats] = await listAdminIndexes(db(), searchEngine(), index.name);
    if (!withStats) throw new ApiError("not_found", `no logger index named ${JSON.stringify(index.name)}`);
    return Response.json({ index: withStats }, { headers: { "cache-control": "no-store" } });
  },
  { auth: "admin" },
);

export const PATCH = withApi<Params, typeof noQuery, typeof updateIndexSchema>(
  noQuery,
  async ({ params, body }) => Response.json({ index: await updateIndexSettings(db(), params.name, body) }),
  { auth: "admin", body: updateIndexSchema },
);

export const DELETE = withApi<Params, typeof deleteIndexQuerySchema>(
  deleteIndexQuerySchema,
  async ({ params, query }) => {
    if (query.confirm !== params.name)
      throw new ApiError(
        "bad_request",
        `confirm: repeat the index's name (?confirm=${params.name}) to delete it`,
      );
    await deleteIndexEverywhere(db(), redis(), params.name);
    return new Response(null, { status: 204 });
  },
  { auth: "admin" },
);
