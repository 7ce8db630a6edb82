import { describe, it, expect } from "vitest";
import { countSinceSql, facetCountsSql, fieldValueExpr, histogramSql } from "@/lib/engine/sphinxql-dialect";

const scope = { tables: ["demo"], match: null, filters: [] };

describe("histogramSql", () => {
  it("groups matches by bucket of ts and level number within the range, ascending", () => {
    expect(
      histogramSql({
        ...scope,
        fromMs: 1000,
        toMs: 5000,
        bucketMs: 60_000,
        maxBuckets: 3,
        levelsPerBucket: 8,
      }),
    ).toBe(
      "SELECT IDIV(ts, 60000) AS bucket, lvl, COUNT(*) AS bucket_count FROM demo WHERE ts >= 1000 AND ts <= 5000 " +
        "GROUP BY bucket, lvl ORDER BY bucket ASC, lvl ASC LIMIT 24 OPTION max_matches=24, ranker=none",
    );
  });

  it("leaves room for every level of every bucket, within the same cap of buckets", () => {
    const limit = (maxBuckets: number, levelsPerBucket: number) =>
      /LIMIT (\d+) OPTION max_matches=(\d+)/
        .exec(histogramSql({ ...scope, bucketMs: 1000, maxBuckets, levelsPerBucket }))!
        .slice(1)
        .map(Number);
    expect(limit(501, 8)).toEqual([4008, 4008]);
    expect(limit(20_000, 8)).toEqual([80_000, 80_000]);
    expect(limit(0, 0)).toEqual([1, 1]);
  });

  it("applies the match and field filters like the record query", () => {
    const sql = histogramSql({
      tables: ["demo"],
      match: "it's",
      filters: [
        { field: "host", values: ["web-01"], negate: false },
        { field: "user", values: ["bob"], negate: true },
      ],
      bucketMs: 1000,
      maxBuckets: 10,
      levelsPerBucket: 1,
    });
    expect(sql).toBe(
      "SELECT IN(js.user, 'bob') AS f1, IDIV(ts, 1000) AS bucket, lvl, COUNT(*) AS bucket_count FROM demo " +
        "WHERE MATCH('it\\'s') AND host IN ('web-01') AND f1 = 0 " +
        "GROUP BY bucket, lvl ORDER BY bucket ASC, lvl ASC LIMIT 10 OPTION max_matches=10, ranker=none",
    );
  });

  it("refuses a bucket size that is not a positive whole number", () => {
    expect(() => histogramSql({ ...scope, bucketMs: 0, maxBuckets: 1, levelsPerBucket: 8 })).toThrow(
      "bucket",
    );
    expect(() => histogramSql({ ...scope, bucketMs: 1.5, maxBuckets: 1, levelsPerBucket: 8 })).toThrow(
      "bucket",
    );
  });
});

describe("facetCountsSql", () => {
  it("groups an attribute by itself and a JSON field by its path, most frequent first", () => {
    expect(facetCountsSql({ ...scope, field: "host", limit: 1000 })).toBe(
      "SELECT host AS facet_value, COUNT(*) AS facet_count FROM demo GROUP BY facet_value " +
        "ORDER BY facet_count DESC LIMIT 1000 OPTION max_matches=1000, ranker=none",
    );
    expect(facetCountsSql({ ...scope, field: "status", limit: 5, fromMs: 7 })).toContain(
      "SELECT js.status AS facet_value, COUNT(*) AS facet_count FROM demo WHERE ts >= 7 GROUP BY",
    );
  });
});

describe("fieldValueExpr", () => {
  it("quotes JSON keys that are not identifiers and refuses control characters", () => {
    expect(fieldValueExpr("level")).toBe("level");
    expect(fieldValueExpr("user_id")).toBe("js.user_id");
    expect(fieldValueExpr("@version")).toBe("js['@version']");
    expect(fieldValueExpr("it's")).toBe("js['it\\'s']");
    expect(() => fieldValueExpr("a\u0000b")).toThrow("invalid field name");
    expect(() => fieldValueExpr("")).toThrow("invalid field name");
  });
});

describe("countSinceSql", () => {
  it("counts one table's rows from a time on", () => {
    expect(countSinceSql("demo", 1234.9)).toBe("SELECT COUNT(*) AS n FROM demo WHERE ts >= 1234");
    expect(() => countSinceSql("demo; DROP", 0)).toThrow("invalid table");
  });
});
