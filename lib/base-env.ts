/**
 * What every runtime's environment shares: the services' addresses and the names of the deployment's resources
 * on them. Each runtime's env module (lib/web-env.ts, lib/collector/env.ts, lib/engine/searchd-env.ts, ...)
 * picks the keys it uses and extends them with its own; its entry point parses process.env once, with parseEnv.
 *
 * Service URLs default to the local services of a development machine, but not under NODE_ENV=production: a
 * production process that quietly falls back to localhost fails far from the cause, or talks to the wrong
 * service. There a missing URL stops the process at start with an error that names it.
 *
 * No `server-only` here: workers import it, and on plain Node that marker throws (docs/ARCHITECTURE.md).
 */
import { z } from "zod";

/** The local services' addresses: the defaults outside production. */
export const LOCAL_SERVICE_URLS = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/alco",
  SEARCHD_URL: "127.0.0.1:9306",
  REDIS_URL: "redis://127.0.0.1:6379",
  AMQP_URL: "amqp://guest:guest@127.0.0.1:5672",
} as const;

const serviceUrlKeys = Object.keys(LOCAL_SERVICE_URLS) as (keyof typeof LOCAL_SERVICE_URLS)[];

export const baseEnvSchema = z.object({
  // Any string, as Next.js takes any (it warns about non-standard ones); only "production" changes anything here.
  NODE_ENV: z.string().default("development"),
  DATABASE_URL: z.string().default(LOCAL_SERVICE_URLS.DATABASE_URL),
  /** searchd's SphinxQL address, host:port. */
  SEARCHD_URL: z.string().default(LOCAL_SERVICE_URLS.SEARCHD_URL),
  REDIS_URL: z.string().default(LOCAL_SERVICE_URLS.REDIS_URL),
  /** Begins every Redis key, so that deployments (and test runs) can share one Redis. */
  REDIS_PREFIX: z.string().default("alco:"),
  AMQP_URL: z.string().default(LOCAL_SERVICE_URLS.AMQP_URL),
  /** The topic exchange logs are published to; the dead-letter and live exchanges are named after it. */
  AMQP_EXCHANGE: z.string().default("logstash"),
  /**
   * How alco declares that exchange when it does not exist yet. One that exists is used as it is, whatever its
   * durability (lib/amqp/topology.ts): producers such as logcollect declare it too, and RabbitMQ refuses a declare
   * that differs.
   */
  AMQP_EXCHANGE_DURABLE: z.stringbool().default(true),
});

export type EnvSource = Record<string, string | undefined>;

export type ParseEnvOptions = {
  /** Whether a missing service URL is an error rather than its local default: by default, in production. */
  requireServiceUrls?: boolean;
};

/** Parses `source` with `schema`; throws one Error, beginning with `runtime`, that names every bad variable. */
export function parseEnv<S extends z.ZodObject>(
  runtime: string,
  schema: S,
  source: EnvSource,
  options: ParseEnvOptions = {},
): z.output<S> {
  const required = options.requireServiceUrls ?? source.NODE_ENV === "production";
  // Empty counts as unset: docker-compose passes an unset variable as an empty string.
  const missing = required ? serviceUrlKeys.filter((key) => key in schema.shape && !source[key]) : [];
  if (missing.length) {
    throw new Error(
      `${runtime}: set ${missing.join(", ")}: under NODE_ENV=production a service URL has no default ` +
        "(the local services' addresses are for development)",
    );
  }
  const r = schema.safeParse(source);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`${runtime}: invalid environment: ${issues.join("; ")}`);
  }
  return r.data;
}

/** For entry points: what `parse` returns, or the process ends with its error's message (a stack adds nothing). */
export function envOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
