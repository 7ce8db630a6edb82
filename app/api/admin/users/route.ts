import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { addUser, listUsers } from "@/lib/admin/manage-users";
import { createUserSchema } from "@/lib/auth/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const noQuery = z.object({});

export const GET = withApi(
  noQuery,
  async () => Response.json({ users: await listUsers(db()) }, { headers: { "cache-control": "no-store" } }),
  { auth: "admin" },
);

export const POST = withApi(
  noQuery,
  async ({ body }) => Response.json({ user: await addUser(db(), body) }, { status: 201 }),
  { auth: "admin", body: createUserSchema },
);
