/**
 * Which engine failures are worth trying again. Writers retry them (write-rows.ts) and the API answers them with
 * "try again in a moment" rather than blaming the request, so both must agree on one definition.
 */
import { engineOwnWords, isMissingOrderColumnError, isMissingTableError } from "./sphinxql-dialect";

/**
 * Errors worth retrying as they are: the engine is down, restarting, or does not serve the table yet (a new index
 * or a new day before the supervisor's reload, or a table it has not yet given the `seq` column). Anything else is about the statement's content.
 */
export function isTransientEngineError(err: unknown): boolean {
  const e = err as { code?: string; fatal?: boolean };
  if (e.fatal) return true;
  if (
    e.code &&
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|PROTOCOL_CONNECTION_LOST|PROTOCOL_SEQUENCE_TIMEOUT|POOL_CLOSED)$/.test(
      e.code,
    )
  )
    return true;
  if (isMissingTableError(err) || isMissingOrderColumnError(err)) return true;
  return /not ready|too many|is not available|timed? ?out/i.test(engineOwnWords(err));
}
