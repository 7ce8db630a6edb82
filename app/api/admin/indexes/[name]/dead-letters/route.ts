import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { requireIndex } from "@/lib/api/require-index";
import { dropDeadLetters, peekDeadLetters, republishDeadLetters } from "@/lib/admin/dead-letters";
import { deadLetterActionSchema, deadLettersQuerySchema } from "@/lib/admin/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

type Params = { name: string };
const noQuery = z.object({});

export const GET = withApi<Params, typeof deadLettersQuerySchema>(
  deadLettersQuerySchema,
  async ({ params, query }) => {
    const index = await requireIndex(db(), params.name);
    return Response.json(await peekDeadLetters(index, query.limit), {
      headers: { "cache-control": "no-store" },
    });
  },
  { auth: "admin" },
);

export const POST = withApi<Params, typeof noQuery, typeof deadLetterActionSchema>(
  noQuery,
  async ({ params, body }) => {
    const index = await requireIndex(db(), params.name);
    return Response.json(
      body.action === "republish" ? await republishDeadLetters(index) : await dropDeadLetters(index),
    );
  },
  { auth: "admin", body: deadLetterActionSchema },
);
