import { describe, it, expect } from "vitest";
import { bucketStarts, histogramFromRows, niceBucketMs } from "@/lib/query/search-histogram";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("niceBucketMs", () => {
  it("picks the smallest nice size that fits the range into the buckets", () => {
    expect(niceBucketMs(DAY, 60)).toBe(30 * MIN);
    expect(niceBucketMs(HOUR, 60)).toBe(MIN);
    expect(niceBucketMs(HOUR, 61)).toBe(MIN);
    expect(niceBucketMs(HOUR + 1, 60)).toBe(2 * MIN);
    expect(niceBucketMs(15 * MIN, 500)).toBe(2_000);
    expect(niceBucketMs(7 * DAY, 60)).toBe(3 * HOUR);
    expect(niceBucketMs(DAY, 1)).toBe(DAY);
  });

  it("never goes below a second, and uses whole days beyond one day", () => {
    expect(niceBucketMs(0, 60)).toBe(1_000);
    expect(niceBucketMs(10, 500)).toBe(1_000);
    expect(niceBucketMs(30 * DAY, 10)).toBe(3 * DAY);
    expect(niceBucketMs(DAY + 1, 1)).toBe(2 * DAY);
  });
});

describe("bucketStarts", () => {
  it("covers the range with aligned, contiguous buckets", () => {
    const from = Date.UTC(2026, 0, 1, 10, 7);
    const to = Date.UTC(2026, 0, 1, 11, 2);
    const starts = bucketStarts(from, to, 15 * MIN);
    expect(starts.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "10:00",
      "10:15",
      "10:30",
      "10:45",
      "11:00",
    ]);
  });

  it("has one bucket for an empty range and at most one more than asked for", () => {
    expect(bucketStarts(1_500, 1_500, 1_000)).toEqual([1_000]);
    for (const span of [HOUR, DAY - 1, DAY, 7 * DAY + 13]) {
      for (const n of [1, 7, 60, 500]) {
        const from = 1_795_000_000_123;
        const b = niceBucketMs(span, n);
        expect(bucketStarts(from, from + span, b).length).toBeLessThanOrEqual(n + 1);
      }
    }
  });
});

describe("histogramFromRows", () => {
  const starts = [0, MIN, 2 * MIN];

  it("counts each bucket per level class, its total the sum of them", () => {
    const h = histogramFromRows(0, 2 * MIN, MIN, starts, [
      { bucket: "0", lvl: "50", bucket_count: "2" },
      { bucket: "0", lvl: "30", bucket_count: "7" },
      { bucket: "2", lvl: "40", bucket_count: "1" },
      { bucket: "2", lvl: "20", bucket_count: "3" },
    ]);
    expect(h.buckets).toEqual([
      { t: 0, count: 9, levels: { error: 2, warn: 0, info: 7, debug: 0, other: 0 } },
      { t: MIN, count: 0, levels: { error: 0, warn: 0, info: 0, debug: 0, other: 0 } },
      { t: 2 * MIN, count: 4, levels: { error: 0, warn: 1, info: 0, debug: 3, other: 0 } },
    ]);
    expect(h.total).toBe(13);
    expect(h.levels).toEqual({ error: 2, warn: 1, info: 7, debug: 3, other: 0 });
  });

  it("adds every other level number, and lines without a level, into other", () => {
    const h = histogramFromRows(
      0,
      0,
      MIN,
      [0],
      [
        { bucket: 0, lvl: 0, bucket_count: 4 },
        { bucket: 0, lvl: 10, bucket_count: 1 },
        { bucket: 0, lvl: 35, bucket_count: 2 },
        { bucket: 0, lvl: 60, bucket_count: 3 },
      ],
    );
    expect(h.buckets[0]!.levels).toEqual({ error: 0, warn: 0, info: 0, debug: 0, other: 10 });
    expect(h.total).toBe(10);
  });

  it("leaves out rows outside the range's buckets", () => {
    const h = histogramFromRows(0, MIN, MIN, [0, MIN], [{ bucket: 5, lvl: 50, bucket_count: 9 }]);
    expect(h.total).toBe(0);
    expect(h.levels.error).toBe(0);
  });
});
