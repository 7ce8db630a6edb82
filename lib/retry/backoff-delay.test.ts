import { describe, expect, it } from "vitest";
import { backoffDelay, RECONNECT_BACKOFF } from "./backoff-delay";

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the maximum", () => {
    expect([0, 1, 2, 3, 6, 7, 8].map((n) => backoffDelay(n, RECONNECT_BACKOFF))).toEqual([
      250, 500, 1000, 2000, 16_000, 30_000, 30_000,
    ]);
    expect([0, 1, 5, 6].map((n) => backoffDelay(n, { initialDelayMs: 100, maxDelayMs: 5_000 }))).toEqual([
      100, 200, 3200, 5000,
    ]);
  });

  it("stays at the maximum however many attempts failed", () => {
    expect(backoffDelay(10_000, RECONNECT_BACKOFF)).toBe(30_000);
    expect(backoffDelay(-1, RECONNECT_BACKOFF)).toBe(250);
  });
});
