import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/indexes/require-index";
import { publishRecords } from "@/lib/ingest/ingest-records";
import { decodeLokiJson, decodeLokiProtobuf, lokiToRecords } from "@/lib/ingest/loki-push";
import { MAX_INGEST_BYTES, MAX_INGEST_LINES } from "@/lib/ingest/parse-ndjson";
import { MalformedBodyError } from "@/lib/ingest/protobuf-wire";
import { RETRY_AFTER_SECONDS } from "@/lib/ingest/shipper-record";
import { retentionWindow } from "@/lib/engine/retention";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

/** Loki answers errors as plain text; clients retry 429 and 5xx, and drop a batch answered with another 4xx. */
function lokiError(err: ApiError): Response {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (err.status === 429 || err.status === 503) headers["retry-after"] = String(RETRY_AFTER_SECONDS);
  return new Response(
    `${err.message}
`,
    { status: err.status, headers },
  );
}

/**
 * `POST /api/ingest/<logger>/loki/api/v1/push`: Loki's push API (snappy protobuf or JSON), so that Promtail,
 * Grafana Alloy and the Loki clients of other shippers send here with only their URL changed.
 */
export const POST = withApi(
  {
    auth: "ingest",
    params: z.object({ logger: z.string() }),
    body: "raw",
    maxBodyBytes: MAX_INGEST_BYTES,
    errorAnswer: lokiError,
  },
  async ({ req, params, body }) => {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const protobuf = type === "application/x-protobuf" || type === "application/protobuf";
    if (!protobuf && type !== "application/json")
      throw new ApiError(
        "bad_request",
        "Content-Type must be application/x-protobuf (snappy) or application/json",
      );
    const index = await requireIndex(db(), params.logger);
    const bytes = await body.bytes();
    let mapped;
    try {
      const push = protobuf
        ? decodeLokiProtobuf(bytes, MAX_INGEST_BYTES)
        : decodeLokiJson(bytes.toString("utf8"));
      mapped = lokiToRecords(push, retentionWindow(index.retentionDays, Date.now()));
    } catch (err) {
      if (err instanceof MalformedBodyError)
        throw new ApiError("bad_request", `not a Loki push request: ${err.message}`);
      throw err;
    }
    if (mapped.records.length + mapped.rejected > MAX_INGEST_LINES)
      throw new ApiError("payload_too_large", `at most ${MAX_INGEST_LINES} entries per request`);
    await publishRecords(index, mapped.records);
    // As Loki does with lines over its size limit: the others are stored, and the 400 names what was not.
    if (mapped.rejected)
      throw new ApiError(
        "bad_request",
        `${mapped.rejected} of ${mapped.rejected + mapped.records.length} entries not stored: ${mapped.errors.join("; ")}`,
      );
    return new Response(null, { status: 204 });
  },
);
