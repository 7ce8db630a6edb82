/**
 * Parameters of the reader's endpoints beside grep (histogram, facets, context, export, suggest): the same `q`,
 * `from`, `to` and `filter` as grepParamsSchema where they apply, plus each endpoint's own.
 */
import { z } from "zod";
import { FIELD_NAME_PATTERN } from "@/lib/records/field-names";
import { decodeCursor } from "./cursor";
import { grepParamsSchema } from "./schema";

const { q, from, to, filter } = grepParamsSchema.shape;
const scope = { q, from, to, filter };

const RANGE_ORDER = { message: "from must not be later than to" };
const rangeOrdered = (p: { from?: number; to?: number }) =>
  p.from === undefined || p.to === undefined || p.from <= p.to;

const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name}: a whole number from ${min} to ${max}` })
    .int(`${name}: a whole number from ${min} to ${max}`)
    .min(min, `${name}: at least ${min}`)
    .max(max, `${name}: at most ${max}`)
    .default(fallback);

export const DEFAULT_HISTOGRAM_SPAN_MS = 24 * 3_600_000;

/** The range always resolves: `to` defaults to now, `from` to 24 hours before `to`. */
export const histogramParamsSchema = z
  .object({ ...scope, buckets: wholeNumber("buckets", 1, 500, 60) })
  .transform((p) => {
    const toMs = p.to ?? Date.now();
    return { ...p, from: p.from ?? toMs - DEFAULT_HISTOGRAM_SPAN_MS, to: toMs };
  })
  .refine(rangeOrdered, RANGE_ORDER);
export type HistogramParams = z.output<typeof histogramParamsSchema>;

export const facetsParamsSchema = z.object(scope).refine(rangeOrdered, RANGE_ORDER);
export type FacetsParams = z.output<typeof facetsParamsSchema>;

export const MAX_CONTEXT = 500;

export const contextParamsSchema = z.object({
  at: z
    .string({ error: "at: required, the cursor of a record (as in the grep API's cursors)" })
    .transform((v, ctx) => {
      const c = decodeCursor(v);
      if (!c) {
        ctx.addIssue({ code: "custom", message: "at: not a cursor from this API" });
        return z.NEVER;
      }
      return c;
    }),
  before: wholeNumber("before", 0, MAX_CONTEXT, 50),
  after: wholeNumber("after", 0, MAX_CONTEXT, 50),
  filter,
});
export type ContextParams = z.output<typeof contextParamsSchema>;

export const EXPORT_FORMATS = ["ndjson", "text"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportParamsSchema = z
  .object({
    ...scope,
    format: z.enum(EXPORT_FORMATS, { error: 'format: "ndjson" or "text"' }).default("ndjson"),
  })
  .refine(rangeOrdered, RANGE_ORDER);
export type ExportParams = z.output<typeof exportParamsSchema>;

export const SUGGEST_LIMIT = 20;

/**
 * The query box's suggestions: without `field`, field names starting with `prefix`; with it, that field's tracked
 * values starting with `prefix`, counted over `from`–`to` (by default the last 24 hours, as the histogram).
 */
export const suggestParamsSchema = z
  .object({
    field: z
      .string()
      .optional()
      .transform((v) => (v === "" ? undefined : v))
      .refine((v) => v === undefined || FIELD_NAME_PATTERN.test(v), {
        message:
          "field: a field name as the query writes it (letters, digits and _, not starting with a digit)",
      }),
    prefix: z.string().max(256, "prefix: at most 256 characters").default(""),
    limit: wholeNumber("limit", 1, 100, SUGGEST_LIMIT),
    from,
    to,
  })
  .transform((p) => {
    const toMs = p.to ?? Date.now();
    return { ...p, from: p.from ?? toMs - DEFAULT_HISTOGRAM_SPAN_MS, to: toMs };
  })
  .refine(rangeOrdered, RANGE_ORDER);
export type SuggestParams = z.output<typeof suggestParamsSchema>;
