import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { actingAdmin } from "@/lib/admin/acting-admin";
import { removeUser, updateUser } from "@/lib/admin/manage-users";
import { idParamSchema } from "@/lib/admin/schema";
import { updateUserSchema } from "@/lib/auth/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

type Params = { id: string };
const noQuery = z.object({});

export const PATCH = withApi<Params, typeof noQuery, typeof updateUserSchema>(
  noQuery,
  async ({ params, body, principal }) =>
    Response.json({
      user: await updateUser(db(), actingAdmin(principal), idParamSchema.parse(params.id), body),
    }),
  { auth: "admin", body: updateUserSchema },
);

export const DELETE = withApi<Params, typeof noQuery>(
  noQuery,
  async ({ params, principal }) => {
    await removeUser(db(), actingAdmin(principal), idParamSchema.parse(params.id));
    return new Response(null, { status: 204 });
  },
  { auth: "admin" },
);
