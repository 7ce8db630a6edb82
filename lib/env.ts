/** The web app's environment (lib/web-env.ts), parsed once, where the app reads it. */
import "server-only";
import { PHASE_PRODUCTION_BUILD } from "next/constants";
import { parseWebEnv } from "@/lib/web-env";

// `next build` loads the route modules under NODE_ENV=production but connects to nothing, and CI builds with the
// defaults: the service URLs are required when the server starts (workers/web.ts), not at build.
const building = process.env.NEXT_PHASE === PHASE_PRODUCTION_BUILD;

export const env = parseWebEnv(process.env, building ? { requireServiceUrls: false } : {});
