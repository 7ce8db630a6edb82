import { withApi } from "@/lib/api/with-api";
import { canReadIndex } from "@/lib/auth/authenticate";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "read" }, async ({ principal }) => {
  const indexes = (await listIndexVolumes(db(), searchEngine())).filter((i) =>
    canReadIndex(principal, i.name),
  );
  return Response.json({ indexes }, { headers: { "cache-control": "no-store" } });
});
