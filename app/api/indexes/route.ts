import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { canReadIndex } from "@/lib/auth/authenticate";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

const noQuery = z.object({});

export const GET = withApi<Record<string, never>, typeof noQuery>(
  noQuery,
  async ({ principal }) => {
    const indexes = (await listIndexVolumes(db(), searchEngine())).filter(
      (i) => principal && canReadIndex(principal, i.name),
    );
    return Response.json({ indexes }, { headers: { "cache-control": "no-store" } });
  },
  { auth: "read" },
);
