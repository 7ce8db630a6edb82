import { PHASE_PRODUCTION_BUILD } from "next/constants.js";

/**
 * The build checks the web env it sees (lib/web-env.ts), so that a malformed value given to both the build and the
 * server (a live-tail limit, TRUSTED_PROXIES) fails the build rather than the server. The service URLs are not
 * required here, although `next build` runs under NODE_ENV=production: nothing in the build connects to a service
 * or keeps its address (every route is dynamic and reads the env when the server runs), so CI builds with the
 * local defaults, and the server requires the URLs when it starts (workers/web.ts). In the other phases the
 * server checks the env itself (workers/web.ts, lib/env.ts), with no TypeScript loader.
 */
async function checkWebEnv() {
  // The schema is TypeScript with the app's `@/` imports, and Node.js loads this file as it is.
  const { tsImport } = await import("tsx/esm/api");
  const { parseWebEnv } = await tsImport("./lib/web-env.ts", import.meta.url);
  parseWebEnv(process.env, { requireServiceUrls: false });
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // mysql2, amqplib and ioredis use Node APIs the bundler should not touch.
  serverExternalPackages: ["mysql2", "amqplib", "ioredis", "pg"],
  poweredByHeader: false,
  // The Logging Aggregator's paths end in a slash (`/hosts/`): the API answers both forms, pages redirect (proxy.ts).
  skipTrailingSlashRedirect: true,
  // Lets two builds of different trees (a developer's and a test run's) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  async headers() {
    // Pages get their Content-Security-Policy, with a nonce, from proxy.ts; what is not a page runs nothing.
    const nothing = [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }];
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
      { source: "/api/:path*", headers: nothing },
      { source: "/hosts", headers: nothing },
      { source: "/hosts/:path*", headers: nothing },
      { source: "/stream", headers: nothing },
    ];
  },
  // forbidden(): the admin pages answer a signed-in non-admin with HTTP 403 and app/admin/forbidden.tsx.
  experimental: { authInterrupts: true },
};

/** @param {string} phase */
export default async function config(phase) {
  if (phase === PHASE_PRODUCTION_BUILD) await checkWebEnv();
  return nextConfig;
}
