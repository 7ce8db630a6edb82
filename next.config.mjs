/** @type {import('next').NextConfig} */
const nextConfig = {
  // mysql2, amqplib and ioredis use Node APIs the bundler should not touch.
  serverExternalPackages: ["mysql2", "amqplib", "ioredis", "pg"],
  poweredByHeader: false,
  // Types are checked for the whole repository (tests, packages, workers) by `tsc --noEmit` in the test
  // command's lint step; the build need not check the app's share again.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
  // forbidden(): the admin pages answer a signed-in non-admin with HTTP 403 and app/admin/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default nextConfig;
