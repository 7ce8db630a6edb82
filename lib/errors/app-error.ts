/**
 * What domain code throws when a request cannot be served as asked: one class with a closed set of codes. The
 * codes are the ones API clients read in `{ "error": { "code" } }`; which HTTP status each one answers with is
 * lib/api/errors.ts's business alone, so nothing below the API knows HTTP.
 */
export type AppErrorCode =
  /** The input is wrong; the message names the field. */
  | "bad_request"
  /** Nobody is signed in, or the credentials are wrong. */
  | "unauthorized"
  /** Signed in, but not allowed to do this. */
  | "forbidden"
  | "not_found"
  /** The request contradicts what is stored: a name taken, the last admin. */
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  /** A service alco depends on (searchd, RabbitMQ) is unreachable; the same request may succeed later. */
  | "unavailable"
  /** PostgreSQL in particular is unreachable. */
  | "database_unavailable";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}
