import { z } from "zod";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";

/** AMQP topic binding patterns: words of letters, digits, `_` and `-`, or the `*` / `#` wildcards. */
const routingKey = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^(?:[A-Za-z0-9_-]+|\*|#)(?:\.(?:[A-Za-z0-9_-]+|\*|#))*$/,
    "a routing key is dot-separated words, * or #",
  );

export const indexNameSchema = z
  .string()
  .refine(
    isValidIndexName,
    "an index name is lowercase letters, digits and _ (starting with a letter, at most 48)",
  );

/** One schema for creating a logger index, shared by the API, the admin UI, the seed and the tests. */
export const createIndexSchema = z.object({
  name: indexNameSchema,
  title: z.string().max(200).default(""),
  retentionDays: z.coerce.number().int().min(1).max(3650).default(7),
  routingKeys: z.array(routingKey).min(1).optional(),
  queueName: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,200}$/)
    .optional(),
  durable: z.boolean().default(true),
});
export type CreateIndexInput = z.input<typeof createIndexSchema>;

/** Defaults: queue `alco.<name>`, bound to `*.<name>` and everything under it (`logstash.<name>.views`, ...). */
export function withIndexDefaults(input: CreateIndexInput) {
  const parsed = createIndexSchema.parse(input);
  return {
    ...parsed,
    routingKeys: parsed.routingKeys ?? [`*.${parsed.name}.#`],
    queueName: parsed.queueName ?? `alco.${parsed.name}`,
  };
}

export type ColumnFlags = {
  filtered: boolean;
  display: boolean;
  excluded: boolean;
  context: boolean;
  indexed: boolean;
};

/** Flags a column gets the first time it is seen. */
export function defaultColumnFlags(name: string): ColumnFlags {
  return {
    filtered: name === "level" || name === "logger" || name === "host",
    display: name === "logger" || name === "host",
    excluded: false,
    context: false,
    indexed: false,
  };
}
