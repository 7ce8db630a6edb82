/** The demo publisher's environment (workers/demo-publisher.ts): the broker of lib/base-env.ts and what to send. */
import { z } from "zod";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";
import { indexNameSchema } from "@/lib/indexes/schema";

const routingWord = z.string().regex(/^[A-Za-z0-9_-]+$/, "one routing key word: letters, digits, _ or -");

const demoEnvSchema = baseEnvSchema
  .pick({ NODE_ENV: true, AMQP_URL: true, AMQP_EXCHANGE_DURABLE: true })
  .extend({
    AMQP_EXCHANGE: baseEnvSchema.shape.AMQP_EXCHANGE.pipe(z.string().min(1)),
    DEMO_INDEX: indexNameSchema.default("demo"),
    DEMO_PREFIX: routingWord.default("logstash"),
    DEMO_RATE: z.coerce.number().positive().max(100_000).default(20),
    DEMO_SEED: z.coerce.number().int().default(1),
  });

export type DemoEnv = z.infer<typeof demoEnvSchema>;

export function parseDemoEnv(source: EnvSource): DemoEnv {
  return parseEnv("demo-publisher", demoEnvSchema, source);
}
