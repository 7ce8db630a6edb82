/**
 * One error shape for the whole API: `{ "error": { "code", "message" } }`, with a closed table from code to HTTP
 * status. Domain code throws AppError (lib/errors/app-error.ts) and never sees a status; this module is where its
 * codes meet HTTP. Unexpected errors become a generic 500 that says nothing about internals.
 */
import "server-only";
import { z } from "zod";
import { isDatabaseUnavailable } from "@/db/client";
import { AppError, type AppErrorCode } from "@/lib/errors/app-error";
import { QuerySyntaxError } from "@/lib/query/parse-query";
import { isTransientEngineError } from "@/lib/engine/engine-errors";

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  database_unavailable: 503,
} as const satisfies Record<AppErrorCode | "internal_error", number>;

export type ErrorCode = keyof typeof STATUS;

/** The API's answer to a failed request; route handlers may throw one directly. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/**
 * A message that names its field already, as this project's schemas write them (`limit: at most 1000`). zod's
 * own messages have a colon too (`Invalid input: expected number, received NaN`) but name no field.
 */
const NAMES_ITS_FIELD = /^[a-z_][\w.-]*: /;

function zodMessage(err: z.ZodError): string {
  return err.issues
    .map((i) =>
      NAMES_ITS_FIELD.test(i.message) || i.path.length === 0
        ? i.message
        : `${i.path.join(".")}: ${i.message}`,
    )
    .join("; ");
}

/** Maps anything thrown in a handler to the API's answer; logs what the client must not see. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof AppError) return new ApiError(err.code, err.message);
  if (err instanceof z.ZodError) return new ApiError("bad_request", zodMessage(err));
  if (err instanceof QuerySyntaxError) return new ApiError("bad_request", `query: ${err.message}`);
  const e = err as { code?: string; errno?: number; message?: string; sqlMessage?: string };
  // Before the engine's check: a refused connection looks the same from both, and this one is marked as PostgreSQL's.
  if (isDatabaseUnavailable(err)) {
    console.error(`metadata database unavailable: ${e.message ?? ""}`);
    return new ApiError(
      "database_unavailable",
      "alco's metadata database (PostgreSQL) is unavailable right now; try again in a moment",
    );
  }
  if (isTransientEngineError(err)) {
    console.error(`engine unavailable: ${e.code ?? ""} ${e.message ?? ""}`);
    return new ApiError("unavailable", "the search engine is not reachable right now; try again in a moment");
  }
  if (typeof e.sqlMessage === "string") {
    // The compiler escapes everything, so this is our bug, but the client's request is what triggers it.
    console.error(`engine refused a query: ${e.sqlMessage}`);
    return new ApiError(
      "bad_request",
      "the search engine could not run this query; simplify it and try again",
    );
  }
  console.error(err);
  return new ApiError("internal_error", "internal error");
}

export function errorResponse(err: ApiError): Response {
  return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status });
}
