import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { hostFiles } from "@/lib/hosts/host-files";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { publicOrigin } from "@/lib/hosts/public-origin";
import { requireHost } from "@/lib/hosts/require-host";
import { seedFilesParamsSchema } from "@/lib/hosts/schema";
import { toSeedFiles } from "@/lib/hosts/seed-shapes";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ host: z.string() }), query: seedFilesParamsSchema },
  async ({ req, params, query, principal }) => {
    const { sources, indexes } = await hostsContext(principal);
    const files = await hostFiles(sources.engine, indexes, params.host, query);
    if (files.length === 0) await requireHost(sources, indexes, params.host);
    const data = toSeedFiles(publicOrigin(req), params.host, files);
    return Response.json({ data }, { headers: { "cache-control": "no-store" } });
  },
);
