/** The facts of a request as this deployment should believe them (lib/net/trusted-proxies.ts says why). */
import "server-only";
import { env } from "@/lib/env";
import { requestFacts, UNKNOWN_PEER, type RequestFacts } from "@/lib/net/trusted-proxies";

let warned = false;

export function clientFacts(req: Request): RequestFacts {
  const facts = requestFacts(req, env.ALCO_PEER_KEY, env.TRUSTED_PROXIES);
  if (facts.client === UNKNOWN_PEER && !warned && env.NODE_ENV === "production") {
    warned = true;
    console.warn(
      "[web] this request did not come through alco's web server (npm start, workers/web.ts): client addresses are unknown, so every client shares one sign-in limit",
    );
  }
  return facts;
}
