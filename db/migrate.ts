import { migrate } from "drizzle-orm/node-postgres/migrator";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { closeDb, getDb } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies pending migrations; idempotent. */
export async function migrateDatabase(url: string): Promise<void> {
  await migrate(getDb(url), { migrationsFolder });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/alco";
  migrateDatabase(url)
    .then(() => closeDb(url))
    .then(() => console.log("migrations applied"))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
