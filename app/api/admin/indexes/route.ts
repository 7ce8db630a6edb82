import { withApi } from "@/lib/api/with-api";
import { listAdminIndexes } from "@/lib/admin/index-stats";
import { createIndexWithQueue } from "@/lib/admin/manage-indexes";
import { createIndexSchema } from "@/lib/indexes/schema";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "admin" }, async () => {
  const indexes = await listAdminIndexes(db(), searchEngine());
  return Response.json({ indexes }, { headers: { "cache-control": "no-store" } });
});

export const POST = withApi({ auth: "admin", body: createIndexSchema }, async ({ body }) => {
  const index = await createIndexWithQueue(db(), body);
  return Response.json({ index }, { status: 201 });
});
