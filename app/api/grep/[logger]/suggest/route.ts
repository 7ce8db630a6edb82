import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { readFieldValues } from "@/lib/collector/field-values";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { listColumns } from "@/lib/indexes/logger-indexes";
import { suggestParamsSchema } from "@/lib/query/reader-schema";
import { facetFields } from "@/lib/query/search-facets";
import { matchingFields, suggestValues } from "@/lib/query/search-suggestions";
import type { Suggestions } from "@/lib/query/wire";
import { db, redis, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: suggestParamsSchema },
  async ({ params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const fields = facetFields(await listColumns(db(), index.name));
    const headers = { "cache-control": "no-store" };
    if (query.field === undefined)
      return Response.json(
        { fields: matchingFields(fields, query.prefix, query.limit) } satisfies Suggestions,
        {
          headers,
        },
      );
    const field = query.field;
    // Only filtered fields have tracked values; any other field simply has none to suggest.
    if (!fields.includes(field))
      return Response.json({ field, values: [] } satisfies Suggestions, { headers });
    const trackedValues = async (f: string, limit: number) => {
      try {
        return (await readFieldValues(redis(), env.REDIS_PREFIX, index.name, f, limit)).map((v) => v.value);
      } catch (err) {
        console.error(
          `suggestions for ${index.name}: tracked values of ${f} unavailable: ${(err as Error).message}`,
        );
        throw new AppError("unavailable", "the tracked field values (Redis) are unavailable right now");
      }
    };
    const values = await suggestValues({ engine: searchEngine(), trackedValues }, index, field, query);
    return Response.json({ field, values } satisfies Suggestions, { headers });
  },
);
