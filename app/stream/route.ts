import { ApiError, withApi } from "@/lib/api/with-api";
import { canReadIndex } from "@/lib/auth/authenticate";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { liveSettings, openLiveBody, TEXT_STREAM_HEADERS, textWriter } from "@/lib/live/live-response";
import { stitchedSource } from "@/lib/live/live-sources";
import { matchesApp, matchesStream, streamParamsSchema } from "@/lib/live/stream-params";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

/**
 * Logio-style streams for terminals: `curl -N '/stream?app=shop&proc=web|worker'`, one text line per record from
 * now on, several indexes stitched in time order (docs/API.md "Streams for terminals").
 */
export const GET = withApi({ auth: "read", query: streamParamsSchema }, async ({ req, query, principal }) => {
  const apps = (await listIndexes(db()))
    .map((i) => i.name)
    .filter((name) => canReadIndex(principal, name) && matchesApp(query, name));
  if (apps.length === 0) throw new ApiError("not_found", "no index you may read matches the app pattern");
  const matches = (item: { record: Parameters<typeof matchesStream>[1] }) =>
    matchesStream(query, item.record);
  const settings = liveSettings();
  const body = await openLiveBody({
    source: stitchedSource(searchEngine(), apps, matches),
    writer: textWriter(apps, settings.maxLinesPerSec),
    request: req,
    options: { indexes: apps, start: { ts: Date.now() - settings.reorderMs, seq: "0", id: "0" }, matches },
  });
  return new Response(body, { headers: TEXT_STREAM_HEADERS });
});
