import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { histogramParamsSchema } from "@/lib/query/reader-schema";
import { searchHistogram } from "@/lib/query/search-histogram";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: histogramParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const result = await searchHistogram(searchEngine(), index, query);
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
