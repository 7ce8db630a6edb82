import { withApi } from "@/lib/api/with-api";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { listHosts } from "@/lib/hosts/list-hosts";
import { noParamsSchema } from "@/lib/hosts/schema";

export const dynamic = "force-dynamic";

export const GET = withApi<Record<string, never>, typeof noParamsSchema>(
  noParamsSchema,
  async ({ principal }) => {
    const { sources, indexes } = await hostsContext(principal);
    const data = await listHosts(sources, indexes);
    return Response.json({ data }, { headers: { "cache-control": "no-store" } });
  },
  { auth: "read" },
);
