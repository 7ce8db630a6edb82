import { withApi } from "@/lib/api/with-api";
import { actingAdmin } from "@/lib/admin/acting-admin";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { createTokenSchema } from "@/lib/auth/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "admin" }, async () =>
  Response.json({ tokens: await listApiTokens(db()) }, { headers: { "cache-control": "no-store" } }),
);

/** The token itself is in this response only: it is stored as a hash. */
export const POST = withApi({ auth: "admin", body: createTokenSchema }, async ({ body, principal }) => {
  const { token, record } = await createApiToken(db(), { ...body, createdBy: actingAdmin(principal).id });
  return Response.json({ token, record }, { status: 201, headers: { "cache-control": "no-store" } });
});
