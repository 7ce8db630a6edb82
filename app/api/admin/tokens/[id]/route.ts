import { z } from "zod";
import { ApiError, withApi } from "@/lib/api/with-api";
import { idParamSchema } from "@/lib/admin/schema";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

/** Revokes: the token fails on its very next request (each request looks it up). */
export const DELETE = withApi(
  { auth: "admin", params: z.object({ id: idParamSchema }) },
  async ({ params: { id } }) => {
    if (!(await revokeApiToken(db(), id)))
      throw new ApiError("not_found", `no unrevoked token with id ${id}`);
    return new Response(null, { status: 204 });
  },
);
