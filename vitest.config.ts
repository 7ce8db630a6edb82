import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // `server-only` throws outside React Server Components; tests import server modules directly.
  "server-only": path.resolve(import.meta.dirname, "test/server-only-stub.ts"),
  // The workspace packages from their source, as tsconfig.json maps them: their exports name the built dist/,
  // which only `npm pack` makes (test/packages.int.test.ts tests that).
  ...Object.fromEntries(
    ["amqp-publisher", "winston-transport", "pino-transport"].map((name) => [
      `@alco/${name}`,
      path.resolve(import.meta.dirname, "packages", name, "src/index.ts"),
    ]),
  ),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "packages/*/src/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "test/**/*.int.test.ts", "packages/*/src/**/*.int.test.ts"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One searchd, one RabbitMQ: integration files run one after another.
          fileParallelism: false,
        },
      },
      {
        resolve: { alias },
        test: {
          // Outages, kills, poison input and load (docs/RELIABILITY.md): `npm run test:faults`.
          name: "faults",
          include: ["test/faults/**/*.fault.test.ts"],
          globalSetup: ["test/faults/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
