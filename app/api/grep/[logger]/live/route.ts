import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { listColumns } from "@/lib/indexes/logger-indexes";
import { liveSettings, openLiveBody, SSE_HEADERS, sseWriter } from "@/lib/live/live-response";
import { grepSource } from "@/lib/live/live-sources";
import { compileRecordMatcher } from "@/lib/query/record-matcher";
import { liveParamsSchema } from "@/lib/live/schema";
import { decodeCursor } from "@/lib/query/cursor";
import { parseQuery, searchesWords } from "@/lib/query/parse-query";
import { mergeFilters } from "@/lib/query/search-records";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

/** Live tail of one index as Server-Sent Events (docs/API.md "Live tail"). */
export const GET = withApi(
  { auth: "read", params: z.object({ logger: z.string() }), query: liveParamsSchema },
  async ({ req, params, query, principal }) => {
    const index = await requireReadableIndex(db(), principal, params.logger);
    const resumeHeader = req.headers.get("last-event-id");
    const resume = resumeHeader ? decodeCursor(resumeHeader.trim()) : null;
    if (resumeHeader && !resume)
      throw new ApiError("bad_request", "Last-Event-ID: not a cursor from this API");
    const parsed = parseQuery(query.q);
    const indexedFields = (await listColumns(db(), index.name)).filter((c) => c.indexed).map((c) => c.name);
    const matcher = compileRecordMatcher(
      { ...parsed, filters: mergeFilters(parsed.filters, query.filter) },
      { indexedFields },
    );
    const hasWords = searchesWords(parsed);
    // "Now" is as if connected since the reorder window began: a line that just arrived still takes its place.
    const start = resume ?? query.after ?? { ts: Date.now() - liveSettings().reorderMs, seq: "0", id: "0" };
    const body = await openLiveBody({
      source: grepSource(searchEngine(), index.name, query),
      writer: sseWriter,
      request: req,
      options: {
        indexes: [index.name],
        start,
        matches: (item) => matcher.matches(item.record),
        decorate: hasWords ? (r) => ({ ...r, highlights: matcher.highlights(r) }) : undefined,
      },
    });
    return new Response(body, { headers: SSE_HEADERS });
  },
);
