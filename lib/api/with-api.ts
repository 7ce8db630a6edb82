/**
 * The one wrapper every route handler goes through: authenticates the caller and checks the route's access
 * level, refuses cross-site writes that ride on the session cookie, awaits the dynamic params, parses the query
 * string with the resource's schema (and a JSON body with its body schema, when the route takes one), and turns
 * every thrown error into the API's error shape.
 */
import "server-only";
import type { z } from "zod";
import { ApiError, errorResponse, toApiError } from "./errors";
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

/** Request bodies are small JSON objects (saved searches, settings); anything bigger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

async function readBodyText(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES)
    throw new ApiError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new ApiError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  return text;
}

/** An HTML form's fields (application/x-www-form-urlencoded), within the same size bound as JSON bodies. */
export async function readFormBody(req: Request): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readBodyText(req)));
}

export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await readBodyText(req);
  if (text.trim() === "") throw new ApiError("bad_request", "body: expected a JSON object, got nothing");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "body: not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ApiError("bad_request", "body: expected a JSON object");
  return value;
}

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
