import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { encodeCursor } from "@/lib/query/cursor";
import { contextParamsSchema } from "@/lib/query/reader-schema";
import { recordContext } from "@/lib/query/record-context";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: contextParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const result = await recordContext(searchEngine(), index, query);
    if (!result) {
      throw new ApiError(
        "not_found",
        `no record at ${encodeCursor(query.at)}${query.filter.length ? " matching the filters" : ""}`,
      );
    }
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
