/** @type {import('next').NextConfig} */
const nextConfig = {
  // mysql2, amqplib and ioredis use Node APIs the bundler should not touch.
  serverExternalPackages: ["mysql2", "amqplib", "ioredis", "pg"],
  poweredByHeader: false,
  // Lets two builds of different trees (a developer's and a test run's) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Types are checked for the whole repository (tests, packages, workers) by `tsc --noEmit` in the test
  // command's lint step; the build need not check the app's share again.
  typescript: { ignoreBuildErrors: true },
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
      { source: "/stream", headers: nothing },
    ];
  },
  // forbidden(): the admin pages answer a signed-in non-admin with HTTP 403 and app/admin/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
