import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { patternsParamsSchema } from "@/lib/patterns/schema";
import { searchPatterns } from "@/lib/patterns/search-patterns";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: patternsParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const result = await searchPatterns(searchEngine(), index, query);
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
