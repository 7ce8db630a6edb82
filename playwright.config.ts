import { defineConfig } from "@playwright/test";

// Browser tests drive Debian's Chromium against the real stack that e2e/global-setup.ts starts on loopback.
const baseURL = process.env.ALCO_E2E_BASE_URL;
if (baseURL && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(baseURL)) {
  throw new Error(`e2e tests only run against a local stack, not ${baseURL}`);
}

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "tmp/results-e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "api", testDir: "e2e/api" },
    { name: "ui", testDir: "e2e/ui", use: { viewport: { width: 1440, height: 900 } } },
  ],
});
