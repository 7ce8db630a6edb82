import { withApi } from "@/lib/api/with-api";
import { hostsContext } from "@/lib/hosts/hosts-context";
import { listHosts } from "@/lib/hosts/list-hosts";
import { publicOrigin } from "@/lib/hosts/public-origin";
import { toSeedHosts } from "@/lib/hosts/seed-shapes";

export const dynamic = "force-dynamic";

export const GET = withApi({ auth: "read" }, async ({ req, principal }) => {
  const { sources, indexes } = await hostsContext(principal);
  const data = toSeedHosts(publicOrigin(req), await listHosts(sources, indexes));
  return Response.json({ data }, { headers: { "cache-control": "no-store" } });
});
