/** @type {import('next').NextConfig} */
const nextConfig = {
  // mysql2, amqplib and ioredis use Node APIs the bundler should not touch.
  serverExternalPackages: ["mysql2", "amqplib", "ioredis", "pg"],
  poweredByHeader: false,
};

export default nextConfig;
