export type BackoffOptions = {
  /** Delay before the first retry, ms. */
  initialDelayMs: number;
  /** Longest delay between retries, ms. */
  maxDelayMs: number;
};

/**
 * Delay before reconnect attempt `attempt` (0-based): doubling from the initial delay up to the maximum, spread by
 * ±20 % so that many apps that lost RabbitMQ together do not all come back in the same instant.
 */
export function backoffDelay(
  attempt: number,
  opts: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(Math.min(opts.maxDelayMs, base * (0.8 + 0.4 * random())));
}
