/** The grep API's parameters: one schema for the route handler, the reader and the CLI. */
import { z } from "zod";
import { decodeCursor } from "./cursor";
import { parseTimeParam } from "./time-range";

const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

const timeParam = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      const ms = parseTimeParam(v, Date.now());
      if (ms === null) {
        ctx.addIssue({
          code: "custom",
          message: `${name}: expected an ISO time, epoch ms, or now-15m style, got ${JSON.stringify(v.slice(0, 40))}`,
        });
        return z.NEVER;
      }
      return ms;
    });

export const cursorParam = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      const c = decodeCursor(v);
      if (!c) {
        ctx.addIssue({ code: "custom", message: `${name}: not a cursor from this API` });
        return z.NEVER;
      }
      return c;
    });

/** `field:value`; repeat for several values (OR within a field, AND across fields). */
export const filterParam = many.pipe(
  z.array(
    z
      .string()
      .regex(/^-?[A-Za-z_][A-Za-z0-9_]{0,63}:[\s\S]{1,1024}$/, "filter: expected field:value")
      .transform((s) => {
        const negate = s.startsWith("-");
        const body = negate ? s.slice(1) : s;
        const i = body.indexOf(":");
        return { field: body.slice(0, i), value: body.slice(i + 1), negate };
      }),
  ),
);

export const grepParamsSchema = z
  .object({
    q: z.string().max(4096, "q: at most 4096 characters").default(""),
    from: timeParam("from"),
    to: timeParam("to"),
    filter: filterParam,
    limit: z.coerce
      .number()
      .int("limit: a whole number")
      .min(1, "limit: at least 1")
      .max(1000, "limit: at most 1000")
      .default(100),
    before: cursorParam("before"),
    after: cursorParam("after"),
  })
  .refine((p) => !(p.before && p.after), { message: "before and after cannot be combined" })
  .refine((p) => p.from === undefined || p.to === undefined || p.from <= p.to, {
    message: "from must not be later than to",
  });

export type GrepParams = z.output<typeof grepParamsSchema>;

/** URLSearchParams to the plain object the schema reads (repeated keys become arrays). */
export function searchParamsToObject(sp: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(sp.keys())) {
    const all = sp.getAll(key);
    out[key] = all.length > 1 ? all : all[0]!;
  }
  return out;
}
