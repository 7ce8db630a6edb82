import { ApiError, withApi } from "@/lib/api/with-api";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex } from "@/lib/indexes/logger-indexes";
import { grepParamsSchema } from "@/lib/query/schema";
import { searchRecords } from "@/lib/query/search-records";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi<{ logger: string }, typeof grepParamsSchema>(
  grepParamsSchema,
  async ({ params, query }) => {
    if (!isValidIndexName(params.logger) || !(await getIndex(db(), params.logger))) {
      throw new ApiError("not_found", `no logger index named ${JSON.stringify(params.logger.slice(0, 64))}`);
    }
    const result = await searchRecords(searchEngine(), params.logger, query);
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
