import { describe, expect, it } from "vitest";
import { patternsParamsSchema } from "./schema";
import { sliceRange } from "./search-patterns";

describe("sliceRange", () => {
  it("cuts a range into equal slices of whole milliseconds that cover it exactly", () => {
    expect(sliceRange(0, 599, 3)).toEqual([
      { from: 0, to: 199 },
      { from: 200, to: 399 },
      { from: 400, to: 599 },
    ]);
    const slices = sliceRange(1000, 1000 + 86_400_000 - 1, 20);
    expect(slices).toHaveLength(20);
    expect(slices[0]!.from).toBe(1000);
    expect(slices[19]!.to).toBe(1000 + 86_400_000 - 1);
    slices.slice(1).forEach((s, i) => expect(s.from).toBe(slices[i]!.to + 1));
  });

  it("makes no more slices than the range has milliseconds", () => {
    expect(sliceRange(5, 6, 20)).toEqual([
      { from: 5, to: 5 },
      { from: 6, to: 6 },
    ]);
  });
});

describe("patternsParamsSchema", () => {
  it("defaults to the last 24 hours, by count, a sample of 20,000 in 20 slices", () => {
    const p = patternsParamsSchema.parse({ to: "1800000000000" });
    expect(p).toMatchObject({ from: 1800000000000 - 86_400_000, sort: "count", sample: 20_000, slices: 20 });
  });

  it("refuses a sample beyond the bound and an unknown sort, naming the parameter", () => {
    const big = patternsParamsSchema.safeParse({ sample: "50000" });
    expect(big.success).toBe(false);
    expect(big.error?.issues[0]?.message).toContain("sample");
    expect(patternsParamsSchema.safeParse({ sort: "loud" }).error?.issues[0]?.message).toContain("sort");
  });
});
