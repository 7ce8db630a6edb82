/**
 * The one wrapper every route handler goes through: authenticates the caller and checks the route's access
 * level, refuses cross-site writes that ride on the session cookie, parses the dynamic params, the query string
 * and the body with the route's schemas, and turns every thrown error into the API's error shape.
 *
 *   export const GET = withApi(
 *     { auth: "read", params: z.object({ logger: z.string() }), query: grepParamsSchema },
 *     async ({ params, query, principal }) => Response.json(await search(params.logger, query, principal)),
 *   );
 */
import "server-only";
import type { z } from "zod";
import { ApiError, errorResponse, toApiError } from "./errors";
import { MAX_BODY_BYTES, rawBody, readJsonBody, type RawBody } from "./read-body";
import { searchParamsToObject } from "@/lib/query/schema";
import {
  assertSameOrigin,
  authenticate,
  authorize,
  type Access,
  type Principal,
} from "@/lib/auth/authenticate";
import { db } from "@/lib/services";

type ParamsSchema = z.ZodType<object>;
type BodySpec = z.ZodType | "raw";

/** What a route takes; each schema left out means the route takes none of that input. */
export type RouteSpec<A extends Access, P, Q, B> = {
  /** Who may call: "public" skips authentication; the others are checked by `authorize`. */
  auth: A;
  /** The dynamic segments (`[logger]`, `[id]`), as Next passes them in `ctx.params`. */
  params?: P;
  query?: Q;
  /** A schema for a JSON body, or "raw" for a route that reads the body itself (`body.text()`). */
  body?: B;
  /** The most bytes a body may have; small JSON objects unless the route says otherwise. */
  maxBodyBytes?: number;
  /**
   * How a route that speaks another protocol (OTLP, Loki push) answers a failure, in that protocol's own shape;
   * the API's `{ "error": … }` when left out.
   */
  errorAnswer?: (err: ApiError, req: Request) => Response;
};

type SegmentsOf<P> = P extends z.ZodType ? z.input<P> : unknown;
type Parsed<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export type HandlerArgs<A extends Access, P, Q, B> = {
  req: Request;
  /** Who is calling; a route that is not public has refused everyone else before the handler runs. */
  principal: A extends "public" ? null : Principal;
  params: Parsed<P>;
  query: Parsed<Q>;
  body: B extends "raw" ? RawBody : B extends z.ZodType ? z.output<B> : undefined;
};

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

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

export function withApi<
  A extends Access,
  P extends ParamsSchema | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends BodySpec | undefined = undefined,
>(spec: RouteSpec<A, P, Q, B>, handler: (args: HandlerArgs<A, P, Q, B>) => Response | Promise<Response>) {
  const maxBodyBytes = spec.maxBodyBytes ?? MAX_BODY_BYTES;
  // Typed by the schema's input, so that Next's route type check refuses a schema naming segments the route lacks.
  return async (req: Request, ctx: { params: Promise<SegmentsOf<P>> }): Promise<Response> => {
    const started = performance.now();
    let authMs = 0;
    try {
      const who = spec.auth === "public" ? null : await authenticate(db(), req);
      authMs = performance.now() - started;
      authorize(who?.principal ?? null, spec.auth);
      if (who?.via === "cookie" && req.method !== "GET" && req.method !== "HEAD") assertSameOrigin(req);
      const args = {
        req,
        // authorize() has refused a missing principal on every route but the public ones.
        principal: who?.principal ?? null,
        params: spec.params ? parse(spec.params, await ctx.params) : {},
        query: spec.query ? parse(spec.query, searchParamsToObject(new URL(req.url).searchParams)) : {},
        body:
          spec.body === "raw"
            ? rawBody(req, maxBodyBytes)
            : spec.body
              ? parse(spec.body, await readJsonBody(req, maxBodyBytes))
              : undefined,
      } as HandlerArgs<A, P, Q, B>;
      return withServerTiming(await handler(args), started, authMs);
    } catch (err) {
      const apiErr = toApiError(err);
      const answer = spec.errorAnswer ? spec.errorAnswer(apiErr, req) : errorResponse(apiErr);
      return withServerTiming(answer, started, authMs);
    }
  };
}

export { ApiError };
