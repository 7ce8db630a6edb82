import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { requireIndex } from "@/lib/indexes/require-index";
import { withApi } from "@/lib/api/with-api";
import { env } from "@/lib/env";
import { publishForIndex } from "@/lib/ingest/ingest-records";
import { MAX_INGEST_BYTES, parseNdjson } from "@/lib/ingest/parse-ndjson";
import { db, withAmqpChannel } from "@/lib/services";

export const dynamic = "force-dynamic";

/** `POST /api/ingest/<logger>`: NDJSON records for scripts and places without AMQP, behind an ingest token. */
export const POST = withApi(
  {
    auth: "ingest",
    params: z.object({ logger: z.string() }),
    body: "raw",
    maxBodyBytes: MAX_INGEST_BYTES,
  },
  async ({ params, body }) => {
    const index = await requireIndex(db(), params.logger);
    const parsed = parseNdjson(await body.text());
    if (!parsed.ok) throw new ApiError("bad_request", `nothing was accepted: ${parsed.errors.join("; ")}`);
    if (parsed.records.length === 0)
      throw new ApiError("bad_request", "body: expected NDJSON records, one JSON object per line");
    const accepted = await withAmqpChannel(
      (ch) => publishForIndex(ch, env.AMQP_EXCHANGE, index, parsed.records),
      { confirm: true },
    ).catch((err: Error) => {
      console.error(`ingest to ${index.name}: ${err.message}`);
      throw new ApiError(
        "unavailable",
        "the message broker is not reachable; nothing was accepted, send again",
      );
    });
    return Response.json({ accepted }, { status: 202 });
  },
);
