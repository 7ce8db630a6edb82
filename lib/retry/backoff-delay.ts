/**
 * The delay before a retry, for every retry loop in lib/ and workers/ (AMQP reconnects, engine writes, searchd
 * restarts): doubling from `initialDelayMs` up to `maxDelayMs`, without jitter, so a log line's "retrying in N ms"
 * is what happens. The transports' package (packages/amqp-publisher) keeps its own, spread by ±20 %, because many
 * apps lose RabbitMQ together; packages do not import lib/.
 */
export type BackoffOptions = {
  /** Delay before the first retry, ms. */
  initialDelayMs: number;
  /** Longest delay between retries, ms. */
  maxDelayMs: number;
};

/** Reconnects back off from a quarter second to half a minute. */
export const RECONNECT_BACKOFF: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 30_000 };

/** Delay after `failures` failed attempts (0 before the first retry's: the initial delay). */
export function backoffDelay(failures: number, opts: BackoffOptions): number {
  // The exponent is capped so a long outage cannot overflow to Infinity.
  return Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** Math.min(Math.max(failures, 0), 30));
}
