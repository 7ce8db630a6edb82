/**
 * The syslog listener's environment, parsed once (workers/syslog.ts): the services it uses (PostgreSQL for the
 * index lookup, RabbitMQ to publish to) and its own settings. It has no tokens: bind it to a private address
 * (docs/OPERATIONS.md "Syslog").
 */
import { z } from "zod";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";
import { isValidIndexName } from "@/lib/engine/index-names";

/** `app=index,app2=index2`: which index the messages of an APP-NAME (or TAG) go to. */
const appIndexes = z
  .string()
  .default("")
  .transform((s, ctx) => {
    const map = new Map<string, string>();
    for (const pair of s.split(",").map((p) => p.trim())) {
      if (pair === "") continue;
      const [app, index, ...more] = pair.split("=").map((p) => p.trim());
      if (!app || !index || more.length || !isValidIndexName(index)) {
        ctx.addIssue({ code: "custom", message: `expected app=index pairs, got ${JSON.stringify(pair)}` });
        return z.NEVER;
      }
      map.set(app, index);
    }
    return map;
  });

export const syslogEnvSchema = baseEnvSchema
  .pick({
    NODE_ENV: true,
    DATABASE_URL: true,
    AMQP_URL: true,
    AMQP_EXCHANGE: true,
    AMQP_EXCHANGE_DURABLE: true,
  })
  .extend({
    /** Unset under NODE_ENV=production: the listener is off until it is given a port (0: any free one). */
    SYSLOG_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    /** A private address: anyone who reaches the port can write to the index. */
    SYSLOG_HOST: z.string().default("127.0.0.1"),
    SYSLOG_TCP: z.stringbool().default(true),
    SYSLOG_UDP: z.stringbool().default(true),
    /** PEM files: with both, the TCP listener speaks TLS (RFC 5425) instead of plain TCP. */
    SYSLOG_TLS_CERT: z.string().optional(),
    SYSLOG_TLS_KEY: z.string().optional(),
    /** The index every message goes to unless SYSLOG_APP_INDEXES names another for its APP-NAME or TAG. */
    SYSLOG_INDEX: z.string().default("syslog").refine(isValidIndexName, "SYSLOG_INDEX: not an index name"),
    SYSLOG_APP_INDEXES: appIndexes,
    /** RFC 3164 timestamps carry no zone: the wall clock they are read in. */
    SYSLOG_TIMEZONE: z
      .string()
      .default("UTC")
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en-US", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "SYSLOG_TIMEZONE: not a time zone"),
    /** The longest message taken; rsyslog's default is 8 KiB. */
    SYSLOG_MAX_MESSAGE_BYTES: z.coerce
      .number()
      .int()
      .min(480)
      .max(16 * 1024 * 1024)
      .default(256 * 1024),
  })
  .refine(
    (e) => !e.SYSLOG_TLS_CERT === !e.SYSLOG_TLS_KEY,
    "set both SYSLOG_TLS_CERT and SYSLOG_TLS_KEY, or neither",
  )
  .refine(
    (e) => e.SYSLOG_TCP || e.SYSLOG_UDP,
    "SYSLOG_TCP and SYSLOG_UDP are both off: nothing to listen on",
  );

export type SyslogEnv = z.infer<typeof syslogEnvSchema> & { SYSLOG_PORT: number | undefined };

/** Outside production the listener is on, at 5514 (an unprivileged port: 514 needs root). */
export const DEV_SYSLOG_PORT = 5514;

export function parseSyslogEnv(source: EnvSource): SyslogEnv {
  const env = parseEnv("syslog", syslogEnvSchema, source) as SyslogEnv;
  if (env.SYSLOG_PORT === undefined && env.NODE_ENV !== "production") env.SYSLOG_PORT = DEV_SYSLOG_PORT;
  return env;
}
