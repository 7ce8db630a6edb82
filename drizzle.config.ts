import { defineConfig } from "drizzle-kit";
import { LOCAL_SERVICE_URLS } from "./lib/base-env";

export default defineConfig({
  schema: "./db/schema.ts",
  out: "./db/migrations",
  dialect: "postgresql",
  dbCredentials: { url: process.env.DATABASE_URL ?? LOCAL_SERVICE_URLS.DATABASE_URL },
});
