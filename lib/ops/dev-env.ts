/** The environment of `npm run dev` (workers/dev.ts): the services it checks and prepares, and what it starts. */
import { z } from "zod";
import { baseEnvSchema, LOCAL_SERVICE_URLS, parseEnv, type EnvSource } from "@/lib/base-env";
import { DEV_SYSLOG_PORT } from "@/lib/syslog/env";

const devEnvSchema = baseEnvSchema
  .pick({
    NODE_ENV: true,
    DATABASE_URL: true,
    REDIS_URL: true,
    AMQP_URL: true,
    AMQP_EXCHANGE: true,
    AMQP_EXCHANGE_DURABLE: true,
  })
  .extend({
    // The searchd it supervises listens here, and the collector and web app it starts connect here.
    SEARCHD_LISTEN: z.string().default(LOCAL_SERVICE_URLS.SEARCHD_URL),
    WEB_PORT: z.coerce.number().int().default(3000),
    DEMO_RATE: z.coerce.number().default(20),
    // Read by the syslog listener itself; here only to say where it listens.
    SYSLOG_PORT: z.coerce.number().int().default(DEV_SYSLOG_PORT),
  });

export type DevEnv = z.infer<typeof devEnvSchema>;

export function parseDevEnv(source: EnvSource): DevEnv {
  return parseEnv("dev", devEnvSchema, source);
}
