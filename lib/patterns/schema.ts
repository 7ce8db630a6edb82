/** GET /api/grep/<logger>/patterns: the grep scope (q, from, to, filter) plus how many lines and templates. */
import { z } from "zod";
import { DEFAULT_HISTOGRAM_SPAN_MS } from "@/lib/query/reader-schema";
import { grepParamsSchema } from "@/lib/query/schema";

const { q, from, to, filter } = grepParamsSchema.shape;

/** The most lines an answer reads: clustering is linear in them, and this keeps it well under a second. */
export const MAX_PATTERN_SAMPLE = 20_000;

const whole = (name: string, min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `${name}: a whole number from ${min} to ${max}` })
    .int(`${name}: a whole number from ${min} to ${max}`)
    .min(min, `${name}: at least ${min}`)
    .max(max, `${name}: at most ${max}`)
    .default(fallback);

export const patternsParamsSchema = z
  .object({
    q,
    from,
    to,
    filter,
    sort: z.enum(["count", "new"], { error: "sort: count or new" }).default("count"),
    sample: whole("sample", 100, MAX_PATTERN_SAMPLE, MAX_PATTERN_SAMPLE),
    limit: whole("limit", 1, 500, 100),
    slices: whole("slices", 1, 60, 20),
  })
  .transform((p) => {
    const toMs = p.to ?? Date.now();
    return { ...p, from: p.from ?? toMs - DEFAULT_HISTOGRAM_SPAN_MS, to: toMs };
  })
  .refine((p) => p.from <= p.to, { message: "from must not be later than to" });

export type PatternsParams = z.output<typeof patternsParamsSchema>;
