import { z } from "zod";
import { requireReadableIndex } from "@/lib/api/require-index";
import { withApi } from "@/lib/api/with-api";
import { grepParamsSchema } from "@/lib/query/schema";
import { searchRecords } from "@/lib/query/search-records";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: grepParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const result = await searchRecords(searchEngine(), index, query);
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
