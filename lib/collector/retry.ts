/**
 * Retries an operation on infrastructure errors with exponential backoff capped at `maxDelayMs`, for as long as
 * it takes: the batch stays unacked meanwhile, so nothing is lost and prefetch stops the flow. Every failure is
 * logged with its attempt number and how long the attempt took.
 *
 * The cap is short because the delay is also how long a recovered engine or Redis sits idle before the collector
 * notices: at 30 s, a 30 s searchd outage left it idle 24 s after searchd was back while the backlog grew
 * (test/faults/searchd-down.fault.test.ts). A failed attempt against a service that is down costs a refused
 * connection, so trying every few seconds is cheap.
 */
import { backoffDelay } from "@/lib/retry/backoff-delay";

export type RetryOptions = {
  label: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  log: (line: string) => void;
  onRetry?: () => void;
  /** Stop retrying (and rethrow) when this returns true, e.g. on a forced shutdown. */
  abandoned?: () => boolean;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function retryUntilDone<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const backoff = { initialDelayMs: opts.baseDelayMs ?? 100, maxDelayMs: opts.maxDelayMs ?? 5_000 };
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await fn();
    } catch (err) {
      if (opts.abandoned?.()) throw err;
      const delay = backoffDelay(attempt - 1, backoff);
      opts.log(
        `${opts.label}: attempt ${attempt} failed after ${Date.now() - started} ms: ${(err as Error).message}; retrying in ${delay} ms`,
      );
      opts.onRetry?.();
      await sleep(delay);
    }
  }
}
