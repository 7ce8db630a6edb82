import { withApi } from "@/lib/api/with-api";
import { requireReadableIndex } from "@/lib/api/require-index";
import { listAlerts } from "@/lib/alerts/alert-rules";
import { listAlertsSchema } from "@/lib/alerts/schema";
import { canReadIndex } from "@/lib/auth/authenticate";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "read", query: listAlertsSchema }, async ({ query, principal }) => {
  if (query.index !== undefined) await requireReadableIndex(db(), principal, query.index);
  const alerts = await listAlerts(
    db(),
    (index) => canReadIndex(principal, index) && (query.index === undefined || index === query.index),
  );
  return Response.json(
    { firing: alerts.filter((a) => a.active).length, alerts },
    { headers: { "cache-control": "no-store" } },
  );
});
