import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff";

describe("backoffDelay", () => {
  const opts = { initialDelayMs: 250, maxDelayMs: 30_000 };

  it("doubles from the initial delay and stops at the maximum", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 6, 7, 50, 5000].map((a) => backoffDelay(a, opts, mid))).toEqual([
      250, 500, 1000, 2000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it("spreads delays by ±20 % without exceeding the maximum", () => {
    expect(backoffDelay(2, opts, () => 0)).toBe(800);
    expect(backoffDelay(2, opts, () => 1)).toBe(1200);
    expect(backoffDelay(20, opts, () => 1)).toBe(30_000);
    expect(backoffDelay(20, opts, () => 0)).toBe(24_000);
  });
});
