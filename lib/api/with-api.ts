/**
 * The one wrapper every route handler goes through: awaits the dynamic params, parses the query string with the
 * resource's schema, and turns every thrown error into the API's error shape.
 */
import "server-only";
import type { z } from "zod";
import { ApiError, errorResponse, toApiError } from "./errors";
import { searchParamsToObject } from "@/lib/query/schema";

type Ctx<P> = { params: Promise<P> };

export function withApi<P extends Record<string, string>, S extends z.ZodType>(
  schema: S,
  handler: (args: { req: Request; params: P; query: z.output<S> }) => Promise<Response>,
) {
  return async (req: Request, ctx: Ctx<P>): Promise<Response> => {
    try {
      const params = await ctx.params;
      const parsed = schema.safeParse(searchParamsToObject(new URL(req.url).searchParams));
      if (!parsed.success) throw parsed.error;
      return await handler({ req, params, query: parsed.data });
    } catch (err) {
      return errorResponse(toApiError(err));
    }
  };
}

export { ApiError };
