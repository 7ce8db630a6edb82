/** The web app's environment, parsed once. Defaults are the local services of a development machine. */
import "server-only";
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/alco"),
  SEARCHD_URL: z.string().default("127.0.0.1:9306"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z.string().default("alco:"),
  AMQP_URL: z.string().default("amqp://guest:guest@127.0.0.1:5672"),
  AMQP_EXCHANGE: z.string().default("logstash"),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  throw new Error(
    `invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}

export const env = parsed.data;
