import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/indexes/require-index";
import { dropDeadLetters, peekDeadLetters, republishDeadLetters } from "@/lib/admin/dead-letters";
import { deadLetterActionSchema, deadLettersQuerySchema } from "@/lib/admin/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const indexParams = z.object({ name: z.string() });

export const GET = withApi(
  { auth: "admin", params: indexParams, query: deadLettersQuerySchema },
  async ({ params, query }) => {
    const index = await requireIndex(db(), params.name);
    return Response.json(await peekDeadLetters(index, query.limit), {
      headers: { "cache-control": "no-store" },
    });
  },
);

export const POST = withApi(
  { auth: "admin", params: indexParams, body: deadLetterActionSchema },
  async ({ params, body }) => {
    const index = await requireIndex(db(), params.name);
    return Response.json(
      body.action === "republish" ? await republishDeadLetters(index) : await dropDeadLetters(index),
    );
  },
);
