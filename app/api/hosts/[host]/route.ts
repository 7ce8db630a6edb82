import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { hostFiles } from "@/lib/hosts/host-files";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { requireHost } from "@/lib/hosts/require-host";
import { hostFilesParamsSchema, hostUrls, type HostDetail } from "@/lib/hosts/schema";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ host: z.string() }), query: hostFilesParamsSchema },
  async ({ params, query, principal }) => {
    const { sources, indexes } = await hostsContext(principal);
    const files = await hostFiles(sources.engine, indexes, params.host, query);
    if (files.length === 0) await requireHost(sources, indexes, params.host);
    const data: HostDetail = { host: params.host, ...hostUrls(params.host), files };
    return Response.json({ data }, { headers: { "cache-control": "no-store" } });
  },
);
