import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { readFieldValues } from "@/lib/collector/field-values";
import { env } from "@/lib/env";
import { listColumns } from "@/lib/indexes/logger-indexes";
import { facetsParamsSchema } from "@/lib/query/reader-schema";
import { FACET_TRACKED_VALUES, facetFields, searchFacets } from "@/lib/query/search-facets";
import { db, redis, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: facetsParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const fields = facetFields(await listColumns(db(), index.name));
    const trackedValues = async (field: string) => {
      try {
        const values = await readFieldValues(
          redis(),
          env.REDIS_PREFIX,
          index.name,
          field,
          FACET_TRACKED_VALUES,
        );
        return values.map((v) => v.value);
      } catch (err) {
        // Without Redis the facets still show what the engine counts, only not the values with no matches.
        console.error(
          `facets of ${index.name}: tracked values of ${field} unavailable: ${(err as Error).message}`,
        );
        return [];
      }
    };
    const result = await searchFacets({ engine: searchEngine(), trackedValues }, index, fields, query);
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
