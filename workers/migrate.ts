/** `npm run db:migrate`: applies Drizzle migrations and seeds the `demo` index. */
import { z } from "zod";
import { closeDb, getDb } from "@/db/client";
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { createIndex } from "@/lib/indexes/logger-indexes";

const env = z
  .object({ DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco") })
  .parse(process.env);

ensureDatabase(env.DATABASE_URL)
  .then(() => migrateDatabase(env.DATABASE_URL))
  .then(() => createIndex(getDb(env.DATABASE_URL), { name: "demo", title: "Demo", retentionDays: 7 }))
  .then(() => closeDb(env.DATABASE_URL))
  .then(() => console.log("migrations applied; demo index present"))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
