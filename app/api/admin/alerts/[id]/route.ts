import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { deleteAlertRule, getAlertRule, publicRule, updateAlertRule } from "@/lib/alerts/alert-rules";
import { updateAlertSchema } from "@/lib/alerts/schema";
import { idParamSchema } from "@/lib/admin/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const alertParams = z.object({ id: idParamSchema });

export const GET = withApi({ auth: "admin", params: alertParams }, async ({ params }) =>
  Response.json(
    { alert: publicRule(await getAlertRule(db(), params.id)) },
    { headers: { "cache-control": "no-store" } },
  ),
);

export const PATCH = withApi(
  { auth: "admin", params: alertParams, body: updateAlertSchema },
  async ({ params, body }) => Response.json({ alert: await updateAlertRule(db(), params.id, body) }),
);

export const DELETE = withApi({ auth: "admin", params: alertParams }, async ({ params }) => {
  await deleteAlertRule(db(), params.id);
  return new Response(null, { status: 204 });
});
