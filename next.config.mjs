/** @type {import('next').NextConfig} */
const nextConfig = {
  // mysql2, amqplib and ioredis use Node APIs the bundler should not touch.
  serverExternalPackages: ["mysql2", "amqplib", "ioredis", "pg"],
  poweredByHeader: false,
  // Types are checked for the whole repository (tests, packages, workers) by `tsc --noEmit` in the test
  // command's lint step; the build need not check the app's share again.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
