import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { hostLogs } from "@/lib/hosts/host-logs";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { requireHost } from "@/lib/hosts/require-host";
import { hostLogsParamsSchema } from "@/lib/hosts/schema";
import { toSeedLogLine } from "@/lib/hosts/seed-shapes";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ host: z.string() }), query: hostLogsParamsSchema },
  async ({ params, query, principal }) => {
    const { sources, indexes } = await hostsContext(principal);
    const lines = await hostLogs(sources.engine, indexes, params.host, query);
    if (lines.length === 0) await requireHost(sources, indexes, params.host);
    return Response.json({ data: lines.map(toSeedLogLine) }, { headers: { "cache-control": "no-store" } });
  },
);
