/**
 * `npm run db:migrate`: applies Drizzle migrations and seeds the `demo` index. On a first start with
 * ALCO_ADMIN_USERNAME and ALCO_ADMIN_PASSWORD set and no user yet, it creates that admin.
 */
import { closeDb, getDb } from "@/db/client";
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { createFirstAdmin } from "@/lib/auth/users";
import { envOrExit } from "@/lib/base-env";
import { createIndex } from "@/lib/indexes/logger-indexes";
import { parseMigrateEnv } from "@/lib/ops/db-commands-env";

const env = envOrExit(() => parseMigrateEnv(process.env));

async function main() {
  await ensureDatabase(env.DATABASE_URL);
  await migrateDatabase(env.DATABASE_URL);
  const db = getDb(env.DATABASE_URL);
  await createIndex(db, { name: "demo", title: "Demo", retentionDays: 7 });
  if (
    env.ALCO_ADMIN_USERNAME &&
    env.ALCO_ADMIN_PASSWORD &&
    (await createFirstAdmin(db, env.ALCO_ADMIN_USERNAME, env.ALCO_ADMIN_PASSWORD))
  ) {
    console.log(`first admin ${env.ALCO_ADMIN_USERNAME} created`);
  }
  await closeDb(env.DATABASE_URL);
  console.log("migrations applied; demo index present");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
