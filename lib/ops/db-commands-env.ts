/** The environment of the database commands: `npm run db:migrate` (workers/migrate.ts) and `npm run user`. */
import { z } from "zod";
import { passwordSchema } from "@/lib/auth/schema";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";

const userCommandEnvSchema = baseEnvSchema.pick({ NODE_ENV: true, DATABASE_URL: true });

// docker-compose passes unset variables as empty strings: empty means not given.
const unlessEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const migrateEnvSchema = userCommandEnvSchema.extend({
  /** The first admin, created when both are set and there is no user yet. */
  ALCO_ADMIN_USERNAME: unlessEmpty(z.string()),
  ALCO_ADMIN_PASSWORD: unlessEmpty(passwordSchema),
});

export function parseUserCommandEnv(source: EnvSource): z.infer<typeof userCommandEnvSchema> {
  return parseEnv("user", userCommandEnvSchema, source);
}

export function parseMigrateEnv(source: EnvSource): z.infer<typeof migrateEnvSchema> {
  return parseEnv("migrate", migrateEnvSchema, source);
}
