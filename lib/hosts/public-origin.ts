/**
 * The origin the caller reached alco at, for the absolute links the Logging Aggregator's answers carry: the Host
 * it asked for and whether it spoke HTTPS, as a trusted proxy in front reports them (lib/net/trusted-proxies.ts).
 */
import "server-only";
import { clientFacts } from "@/lib/auth/client-address";

export function publicOrigin(req: Request): string {
  const facts = clientFacts(req);
  if (!facts.host) return new URL(req.url).origin;
  return `${facts.https ? "https" : "http"}://${facts.host}`;
}
