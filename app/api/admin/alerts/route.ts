import { withApi } from "@/lib/api/with-api";
import { createAlertRule, listAlertRules } from "@/lib/alerts/alert-rules";
import { createAlertSchema } from "@/lib/alerts/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "admin" }, async () =>
  Response.json({ alerts: await listAlertRules(db()) }, { headers: { "cache-control": "no-store" } }),
);

export const POST = withApi({ auth: "admin", body: createAlertSchema }, async ({ body }) =>
  Response.json({ alert: await createAlertRule(db(), body) }, { status: 201 }),
);
