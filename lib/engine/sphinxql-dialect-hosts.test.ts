import { describe, it, expect } from "vitest";
import { anyRecordSql, groupCountsSql, selectRecordsSql } from "@/lib/engine/sphinxql-dialect";

const host = { field: "host", values: ["web-1"], negate: false };

describe("groupCountsSql", () => {
  it("counts a JSON field's values with the newest match's time, most frequent first", () => {
    expect(
      groupCountsSql({
        tables: ["demo"],
        match: null,
        filters: [host],
        field: "file",
        limit: 1000,
        fromMs: 5,
      }),
    ).toBe(
      "SELECT js.file AS group_value, COUNT(*) AS group_count, MAX(ts) AS last_ts FROM demo " +
        "WHERE host IN ('web-1') AND ts >= 5 GROUP BY group_value ORDER BY group_count DESC LIMIT 1000 " +
        "OPTION max_matches=1000, ranker=none",
    );
  });

  it("keeps to records without the absent fields", () => {
    expect(
      groupCountsSql({
        tables: ["demo"],
        match: null,
        filters: [host],
        absentFields: ["file"],
        field: "logger",
        limit: 10,
      }),
    ).toContain("FROM demo WHERE host IN ('web-1') AND js.file IS NULL GROUP BY group_value");
  });

  it("refuses an absent field that is not an identifier", () => {
    expect(() =>
      groupCountsSql({
        tables: ["demo"],
        match: null,
        filters: [],
        absentFields: ["a b"],
        field: "host",
        limit: 1,
      }),
    ).toThrow("invalid field name");
  });
});

describe("anyRecordSql", () => {
  it("asks for one id and stops at the first match", () => {
    expect(anyRecordSql({ tables: ["demo"], match: null, filters: [host] })).toBe(
      "SELECT id FROM demo WHERE host IN ('web-1') LIMIT 1 OPTION cutoff=1, ranker=none",
    );
  });
});

describe("selectRecordsSql with absent fields", () => {
  it("adds IS NULL conditions beside the filters", () => {
    const sql = selectRecordsSql({
      tables: ["demo"],
      match: null,
      filters: [{ field: "logger", values: ["app"], negate: false }],
      absentFields: ["file"],
      limit: 10,
      highlight: null,
    });
    expect(sql).toContain(
      "WHERE logger IN ('app') AND js.file IS NULL ORDER BY ts DESC, seq DESC, id DESC LIMIT 10",
    );
  });
});
