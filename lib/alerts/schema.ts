/** One schema for alert rules, shared by the admin API, the admin form and the tests. */
import { z } from "zod";
import { indexNameSchema } from "@/lib/indexes/schema";
import { parseQuery, QuerySyntaxError } from "@/lib/query/parse-query";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";

export const CONDITION_OPS = ["gt", "lt", "change"] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 24 * 3600;
/** Short periods are for tests and demos; 30 s is the default, and nothing is gained below the ingest delay. */
export const MIN_EVERY_SECONDS = 1;
export const MAX_EVERY_SECONDS = 3600;
export const DEFAULT_EVERY_SECONDS = 30;

const query = z
  .string()
  .max(4096, "query: at most 4096 characters")
  .superRefine((q, ctx) => {
    try {
      parseQuery(q);
    } catch (err) {
      if (!(err instanceof QuerySyntaxError)) throw err;
      ctx.addIssue({ code: "custom", message: `query: ${err.message}` });
    }
  });

const windowSeconds = z
  .number({
    error: `windowSeconds: a whole number of seconds from ${MIN_WINDOW_SECONDS} to ${MAX_WINDOW_SECONDS}`,
  })
  .int(`windowSeconds: a whole number of seconds`)
  .min(MIN_WINDOW_SECONDS, `windowSeconds: at least ${MIN_WINDOW_SECONDS} (one minute)`)
  .max(MAX_WINDOW_SECONDS, `windowSeconds: at most ${MAX_WINDOW_SECONDS} (24 hours)`);

const condition = z.object(
  {
    op: z.enum(CONDITION_OPS, { error: "condition.op: one of gt, lt, change" }),
    value: z
      .number({ error: "condition.value: a number" })
      .refine(Number.isFinite, "condition.value: a finite number"),
  },
  { error: "condition: { op: gt|lt|change, value: number }" },
);

const groupBy = z
  .string()
  .regex(FIELD_NAME_PATTERN, "groupBy: a field name (letters, digits and _, not starting with a digit)")
  .nullable();

const webhookUrl = z
  .string()
  .max(2048, "webhookUrl: at most 2048 characters")
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
    } catch {
      return false;
    }
  }, "webhookUrl: an http:// or https:// URL")
  .nullable();

const everySeconds = z
  .number({ error: `everySeconds: a whole number from ${MIN_EVERY_SECONDS} to ${MAX_EVERY_SECONDS}` })
  .int("everySeconds: a whole number of seconds")
  .min(MIN_EVERY_SECONDS, `everySeconds: at least ${MIN_EVERY_SECONDS}`)
  .max(MAX_EVERY_SECONDS, `everySeconds: at most ${MAX_EVERY_SECONDS}`);

const name = z.string().trim().min(1, "name: required").max(200, "name: at most 200 characters");

export const createAlertSchema = z.object({
  name,
  index: indexNameSchema,
  query: query.default(""),
  windowSeconds,
  condition,
  groupBy: groupBy.optional(),
  webhookUrl: webhookUrl.optional(),
  everySeconds: everySeconds.default(DEFAULT_EVERY_SECONDS),
  enabled: z.boolean().default(true),
});
export type CreateAlertInput = z.output<typeof createAlertSchema>;

export const updateAlertSchema = z.object({
  name: name.optional(),
  query: query.optional(),
  windowSeconds: windowSeconds.optional(),
  condition: condition.optional(),
  groupBy: groupBy.optional(),
  webhookUrl: webhookUrl.optional(),
  everySeconds: everySeconds.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateAlertInput = z.output<typeof updateAlertSchema>;

/** POST /api/alerts/<id>/clear: one group, or every group of the rule when left out. */
export const clearAlertSchema = z.object({ group: z.string().max(1024).optional() });

/** GET /api/alerts: the alerts of one index, or of every index the caller may read. */
export const listAlertsSchema = z.object({ index: z.string().max(200).optional() });
