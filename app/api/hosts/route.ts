import { withApi } from "@/lib/api/with-api";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { listHosts } from "@/lib/hosts/list-hosts";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "read" }, async ({ principal }) => {
  const { sources, indexes } = await hostsContext(principal);
  const data = await listHosts(sources, indexes);
  return Response.json({ data }, { headers: { "cache-control": "no-store" } });
});
