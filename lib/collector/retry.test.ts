import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retryUntilDone } from "@/lib/collector/retry";

// Fake timers drive both the backoff sleeps and Date.now(), so delays and durations are exact and nothing waits.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An operation that throws `failures` times, then returns "stored"; when each call started, on the fake clock. */
function failing(failures: number, opts: { takesMs?: number } = {}) {
  const calls: number[] = [];
  const fn = (): Promise<string> => {
    calls.push(Date.now());
    if (opts.takesMs) vi.setSystemTime(Date.now() + opts.takesMs);
    if (calls.length <= failures)
      return Promise.reject(new Error(`connect ECONNREFUSED (call ${calls.length})`));
    return Promise.resolve("stored");
  };
  return { fn, calls };
}

const gaps = (calls: number[]) => calls.slice(1).map((t, i) => t - calls[i]!);

describe("retryUntilDone", () => {
  it("retries a failing operation until it succeeds and returns its result", async () => {
    const { fn, calls } = failing(3);
    const result = retryUntilDone(fn, { label: "write", log: () => undefined });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("stored");
    expect(calls).toHaveLength(4);
  });

  it("doubles the delay from 100 ms after each failure, up to 5 s by default", async () => {
    const { fn, calls } = failing(8);
    const result = retryUntilDone(fn, { label: "write", log: () => undefined });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("stored");
    expect(gaps(calls)).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000]);
  });

  it("takes its base delay and cap from the options", async () => {
    const { fn, calls } = failing(5);
    const result = retryUntilDone(fn, {
      label: "write",
      baseDelayMs: 50,
      maxDelayMs: 300,
      log: () => undefined,
    });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("stored");
    expect(gaps(calls)).toEqual([50, 100, 200, 300, 300]);
  });

  it("logs each failed attempt with its number, how long it took, the error and the next delay", async () => {
    const { fn } = failing(2, { takesMs: 35 });
    const lines: string[] = [];
    const result = retryUntilDone(fn, { label: "[app] write 3 rows to app_0", log: (l) => lines.push(l) });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("stored");
    expect(lines).toEqual([
      "[app] write 3 rows to app_0: attempt 1 failed after 35 ms: connect ECONNREFUSED (call 1); retrying in 100 ms",
      "[app] write 3 rows to app_0: attempt 2 failed after 35 ms: connect ECONNREFUSED (call 2); retrying in 200 ms",
    ]);
  });

  it("calls onRetry once per failed attempt, not for the one that succeeds", async () => {
    const { fn } = failing(3);
    const onRetry = vi.fn();
    const result = retryUntilDone(fn, { label: "write", log: () => undefined, onRetry });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("stored");
    expect(onRetry).toHaveBeenCalledTimes(3);
  });

  it("rethrows the failure without retrying or logging when it is abandoned", async () => {
    const { fn, calls } = failing(Infinity);
    const lines: string[] = [];
    const onRetry = vi.fn();
    const result = retryUntilDone(fn, {
      label: "write",
      log: (l) => lines.push(l),
      onRetry,
      abandoned: () => true,
    });
    await expect(result).rejects.toThrow("connect ECONNREFUSED (call 1)");
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(lines).toEqual([]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("stops at the first failure after being abandoned mid-retry, rethrowing that failure", async () => {
    const { fn, calls } = failing(Infinity);
    let stopping = false;
    const lines: string[] = [];
    const result = retryUntilDone(fn, {
      label: "write",
      log: (l) => lines.push(l),
      abandoned: () => stopping,
    });
    const settled = result.catch((err: Error) => err);
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(calls).toHaveLength(3);
    stopping = true;
    await vi.runAllTimersAsync();
    expect(await settled).toEqual(new Error("connect ECONNREFUSED (call 4)"));
    expect(calls).toHaveLength(4);
    expect(lines).toHaveLength(3);
  });
});
