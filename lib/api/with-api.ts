/**
 * The one wrapper every route handler goes through: authenticates the caller and checks the route's access
 * level, refuses cross-site writes that ride on the session cookie, awaits the dynamic params, parses the query
 * string with the resource's schema (and a JSON body with its body schema, when the route takes one), and turns
 * every thrown error into the API's error shape.
 */
import "server-only";
import type { z } from "zod";
import { ApiError, errorResponse, toApiError } from "./errors";
import { readJsonBody } from "./read-body";
import { searchParamsToObject } from "@/lib/query/schema";
import {
  assertSameOrigin,
  authenticate,
  authorize,
  type Access,
  type Principal,
} from "@/lib/auth/authenticate";
import { db } from "@/lib/services";

type Ctx<P> = { params: Promise<P> };

/**
 * `Server-Timing: auth;dur=…, app;dur=…`: where a slow answer spent its time (browser dev tools show it), split
 * from what the network and the framework add. Streams report the time to their first byte.
 */
function withServerTiming(res: Response, started: number, authMs: number): Response {
  const total = performance.now() - started;
  try {
    res.headers.append("server-timing", `auth;dur=${authMs.toFixed(1)}, app;dur=${total.toFixed(1)}`);
  } catch {
    // Headers of a Response made elsewhere (Response.redirect) are immutable; the timing is only a hint.
  }
  return res;
}

export function withApi<
  P extends Record<string, string>,
  S extends z.ZodType,
  B extends z.ZodType = z.ZodUndefined,
>(
  schema: S,
  handler: (args: {
    req: Request;
    params: P;
    query: z.output<S>;
    body: z.output<B>;
    principal: Principal | null;
  }) => Promise<Response>,
  options: { body?: B; auth: Access },
) {
  return async (req: Request, ctx: Ctx<P>): Promise<Response> => {
    const started = performance.now();
    let authMs = 0;
    try {
      const who = options.auth === "public" ? null : await authenticate(db(), req);
      authMs = performance.now() - started;
      authorize(who?.principal ?? null, options.auth);
      if (who?.via === "cookie" && req.method !== "GET" && req.method !== "HEAD") assertSameOrigin(req);
      const principal = who?.principal ?? null;
      const params = await ctx.params;
      const parsed = schema.safeParse(searchParamsToObject(new URL(req.url).searchParams));
      if (!parsed.success) throw parsed.error;
      let body: z.output<B> = undefined as z.output<B>;
      if (options.body) {
        const b = options.body.safeParse(await readJsonBody(req));
        if (!b.success) throw b.error;
        body = b.data;
      }
      return withServerTiming(
        await handler({ req, params, query: parsed.data, body, principal }),
        started,
        authMs,
      );
    } catch (err) {
      return withServerTiming(errorResponse(toApiError(err)), started, authMs);
    }
  };
}

export { ApiError };
