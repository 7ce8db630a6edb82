import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { actingAdmin } from "@/lib/admin/acting-admin";
import { removeUser, updateUser } from "@/lib/admin/manage-users";
import { idParamSchema } from "@/lib/admin/schema";
import { updateUserSchema } from "@/lib/auth/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const userParams = z.object({ id: idParamSchema });

export const PATCH = withApi(
  { auth: "admin", params: userParams, body: updateUserSchema },
  async ({ params, body, principal }) =>
    Response.json({ user: await updateUser(db(), actingAdmin(principal), params.id, body) }),
);

export const DELETE = withApi({ auth: "admin", params: userParams }, async ({ params, principal }) => {
  await removeUser(db(), actingAdmin(principal), params.id);
  return new Response(null, { status: 204 });
});
