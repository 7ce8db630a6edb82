import { z } from "zod";
import { indexNameProblem } from "./index-name-problem";

/** AMQP topic binding patterns: words of letters, digits, `_` and `-`, or the `*` / `#` wildcards. */
const routingKey = z
  .string()
  .min(1)
  .max(255)
  .regex(
    /^(?:[A-Za-z0-9_-]+|\*|#)(?:\.(?:[A-Za-z0-9_-]+|\*|#))*$/,
    "a routing key is dot-separated words, * or #",
  );

export const indexNameSchema = z.string().superRefine((name, ctx) => {
  const problem = indexNameProblem(name);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

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

/** Fields an admin may change on an existing index. */
const MUTABLE = ["title", "retentionDays", "routingKeys"] as const;
const IMMUTABLE = ["name", "queueName", "durable"] as const;

/**
 * PATCH body for an index: any of title, retention and routing keys. The queue's name and durability are fixed
 * when it is declared (RabbitMQ refuses to redeclare a queue with other arguments), and the name is the URL.
 */
export const updateIndexSchema = z
  .object({
    title: z.string().max(200).optional(),
    retentionDays: z.coerce.number().int().min(1).max(3650).optional(),
    routingKeys: z.array(routingKey).min(1).optional(),
  })
  .catchall(z.unknown())
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      if ((IMMUTABLE as readonly string[]).includes(key))
        ctx.addIssue({
          code: "custom",
          message: `${key} cannot be changed once the index exists: create a new index instead`,
        });
      else if (!(MUTABLE as readonly string[]).includes(key))
        ctx.addIssue({ code: "custom", message: `${key}: not a setting of an index` });
    }
  })
  .transform(({ title, retentionDays, routingKeys }) => ({ title, retentionDays, routingKeys }));
export type UpdateIndexInput = z.output<typeof updateIndexSchema>;

/** DELETE /api/admin/indexes/<name>?confirm=<name>: the name typed again, so a slip of the mouse deletes nothing. */
export const deleteIndexQuerySchema = z.object({ confirm: z.string().max(64).optional() });

const flag = z.boolean().optional();

/** PATCH body for an index's columns: each named column with the flags to change. */
export const updateColumnsSchema = z.object({
  columns: z
    .array(
      z
        .object({
          name: z.string().min(1).max(128),
          filtered: flag,
          display: flag,
          excluded: flag,
          context: flag,
          indexed: flag,
        })
        .strict(),
    )
    .min(1)
    .max(500),
});
export type UpdateColumnsInput = z.output<typeof updateColumnsSchema>;
