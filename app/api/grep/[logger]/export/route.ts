import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { EXPORT_CONTENT_TYPES, exportFilename, exportRecords } from "@/lib/query/export-records";
import { exportParamsSchema } from "@/lib/query/reader-schema";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: exportParamsSchema },
  async ({ req, params, query, principal }) => {
    await requireReadableIndex(db(), principal, params.logger);
    const stream = await exportRecords(searchEngine(), params.logger, query, req.signal);
    return new Response(stream, {
      headers: {
        "content-type": EXPORT_CONTENT_TYPES[query.format],
        "content-disposition": `attachment; filename="${exportFilename(params.logger, query.format, Date.now())}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
);
