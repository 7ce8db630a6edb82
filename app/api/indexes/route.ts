import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

const noQuery = z.object({});

export const GET = withApi<Record<string, never>, typeof noQuery>(noQuery, async () => {
  const indexes = await listIndexVolumes(db(), searchEngine());
  return Response.json({ indexes }, { headers: { "cache-control": "no-store" } });
});
