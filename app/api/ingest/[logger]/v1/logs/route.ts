import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/indexes/require-index";
import { publishRecords } from "@/lib/ingest/ingest-records";
import {
  decodeOtlpLogsJson,
  decodeOtlpLogsProtobuf,
  exportLogsResponse,
  OTLP_CONTENT_TYPE,
  otlpLogsToRecords,
  otlpStatusBody,
  type OtlpEncoding,
} from "@/lib/ingest/otlp-logs";
import { MAX_INGEST_BYTES, MAX_INGEST_LINES } from "@/lib/ingest/parse-ndjson";
import { MalformedBodyError } from "@/lib/ingest/protobuf-wire";
import { RETRY_AFTER_SECONDS } from "@/lib/ingest/shipper-record";
import { retentionWindow } from "@/lib/engine/retention";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

function encodingOf(req: Request): OtlpEncoding | null {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/x-protobuf" || type === "application/protobuf") return "protobuf";
  if (type === "application/json") return "json";
  return null;
}

function answer(
  encoding: OtlpEncoding,
  status: number,
  body: Uint8Array<ArrayBuffer> | string,
  headers = {},
) {
  return new Response(body, { status, headers: { "content-type": OTLP_CONTENT_TYPE[encoding], ...headers } });
}

/** OTLP's error answer: a google.rpc.Status; 429 and 503 say when to retry, which exporters honour. */
function otlpError(err: ApiError, req: Request): Response {
  const encoding = encodingOf(req) ?? "json";
  const retry =
    err.status === 429 || err.status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {};
  return answer(encoding, err.status, otlpStatusBody(encoding, err.status, err.message), retry);
}

/** `POST /api/ingest/<logger>/v1/logs`: OTLP/HTTP logs (protobuf or JSON), for OpenTelemetry SDKs and collectors. */
export const POST = withApi(
  {
    auth: "ingest",
    params: z.object({ logger: z.string() }),
    body: "raw",
    maxBodyBytes: MAX_INGEST_BYTES,
    errorAnswer: otlpError,
  },
  async ({ req, params, body }) => {
    const encoding = encodingOf(req);
    if (!encoding)
      return answer(
        "json",
        415,
        otlpStatusBody("json", 400, "Content-Type must be application/x-protobuf or application/json"),
      );
    const index = await requireIndex(db(), params.logger);
    const bytes = await body.bytes();
    let mapped;
    try {
      const request =
        encoding === "protobuf" ? decodeOtlpLogsProtobuf(bytes) : decodeOtlpLogsJson(bytes.toString("utf8"));
      mapped = otlpLogsToRecords(request, retentionWindow(index.retentionDays, Date.now()));
    } catch (err) {
      if (err instanceof MalformedBodyError)
        throw new ApiError("bad_request", `not an OTLP ExportLogsServiceRequest: ${err.message}`);
      throw err;
    }
    if (mapped.records.length + mapped.rejected > MAX_INGEST_LINES)
      throw new ApiError("payload_too_large", `at most ${MAX_INGEST_LINES} log records per request`);
    await publishRecords(index, mapped.records);
    return answer(encoding, 200, exportLogsResponse(encoding, mapped.rejected, mapped.errors.join("; ")));
  },
);
