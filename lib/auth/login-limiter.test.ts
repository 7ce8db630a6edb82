import { describe, expect, it } from "vitest";
import { USER_DELAY_MAX_MS, USER_FREE, userDelayMs } from "./login-limiter";

describe("userDelayMs", () => {
  it("lets the first few failures for a username go without a wait", () => {
    for (let n = 0; n <= USER_FREE; n++) expect(userDelayMs(n)).toBe(0);
  });

  it("then doubles from a quarter second, and never refuses: the wait is bounded", () => {
    const waits = Array.from({ length: 12 }, (_, i) => userDelayMs(USER_FREE + 1 + i));
    expect(waits.slice(0, 4)).toEqual([250, 500, 1000, 2000]);
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]!);
    expect(Math.max(...waits)).toBe(USER_DELAY_MAX_MS);
    expect(userDelayMs(1_000_000)).toBe(USER_DELAY_MAX_MS);
  });
});
