import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { hostFiles } from "@/lib/hosts/host-files";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { requireHost } from "@/lib/hosts/require-host";
import { seedFilesParamsSchema } from "@/lib/hosts/schema";
import { toSeedFileNames } from "@/lib/hosts/seed-shapes";

export const dynamic = "force-dynamic";

export const GET = withApi(
  { auth: "read", params: z.object({ host: z.string() }), query: seedFilesParamsSchema },
  async ({ params, query, principal }) => {
    const { sources, indexes } = await hostsContext(principal);
    const files = await hostFiles(sources.engine, indexes, params.host, query);
    if (files.length === 0) await requireHost(sources, indexes, params.host);
    return Response.json({ data: toSeedFileNames(files) }, { headers: { "cache-control": "no-store" } });
  },
);
