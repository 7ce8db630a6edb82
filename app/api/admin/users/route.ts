import { withApi } from "@/lib/api/with-api";
import { addUser, listUsers } from "@/lib/admin/manage-users";
import { createUserSchema } from "@/lib/auth/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "admin" }, async () =>
  Response.json({ users: await listUsers(db()) }, { headers: { "cache-control": "no-store" } }),
);

export const POST = withApi({ auth: "admin", body: createUserSchema }, async ({ body }) =>
  Response.json({ user: await addUser(db(), body) }, { status: 201 }),
);
