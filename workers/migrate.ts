/**
 * `npm run db:migrate`: applies Drizzle migrations and seeds the `demo` index. On a first start with
 * ALCO_ADMIN_USERNAME and ALCO_ADMIN_PASSWORD set and no user yet, it creates that admin.
 */
import { z } from "zod";
import { closeDb, getDb } from "@/db/client";
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { passwordSchema } from "@/lib/auth/schema";
import { createFirstAdmin } from "@/lib/auth/users";
import { createIndex } from "@/lib/indexes/logger-indexes";

const env = z
  .object({
    DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco"),
    // docker-compose passes unset variables as empty strings: empty means not given.
    ALCO_ADMIN_USERNAME: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
    ALCO_ADMIN_PASSWORD: z.preprocess((v) => (v === "" ? undefined : v), passwordSchema.optional()),
  })
  .parse(process.env);

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
