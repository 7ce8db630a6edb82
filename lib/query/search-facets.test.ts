import { describe, it, expect } from "vitest";
import type { Engine } from "@/lib/engine/engine-client";
import { facetFields, facetValueText, mergeFacetValues, searchFacets } from "@/lib/query/search-facets";

describe("facetFields", () => {
  it("lists filtered columns: level, logger, host first, then the rest by name", () => {
    const cols = ["user", "host", "level", "app", "region", "logger"].map((name) => ({
      name,
      filtered: name !== "region",
    }));
    expect(facetFields(cols)).toEqual(["level", "logger", "host", "app", "user"]);
    expect(facetFields([{ name: "host", filtered: false }])).toEqual([]);
    expect(
      facetFields([
        { name: "", filtered: true },
        { name: "x".repeat(129), filtered: true },
      ]),
    ).toEqual([]);
  });
});

describe("facetValueText", () => {
  it("reads engine group keys as the text the collector tracks", () => {
    expect(facetValueText("web-01")).toBe("web-01");
    expect(facetValueText(500)).toBe("500");
    expect(facetValueText("1.500000")).toBe("1.5");
    expect(facetValueText("500.000000")).toBe("500");
    expect(facetValueText("[INFO] x")).toBe("[INFO] x");
  });

  it("skips missing values, empty strings, arrays, objects and values too long to track", () => {
    for (const v of [null, undefined, "", "[1,2]", '{"a":1}', "x".repeat(257)])
      expect(facetValueText(v)).toBeNull();
  });
});

describe("mergeFacetValues", () => {
  it("keeps tracked values at zero, adds the most frequent untracked ones, by count then value", () => {
    const counts = new Map([
      ["b", 5],
      ["c", 5],
      ["x", 9],
      ["y", 1],
      ["z", 2],
    ]);
    expect(mergeFacetValues(["c", "b", "gone"], counts, 2)).toEqual([
      { value: "x", count: 9 },
      { value: "b", count: 5 },
      { value: "c", count: 5 },
      { value: "z", count: 2 },
      { value: "gone", count: 0 },
    ]);
  });
});

describe("searchFacets", () => {
  const params = { q: "", filter: [], from: 1, to: 2 };

  /** Answers each facet statement with `groups` rows (value g<i>, count 1000 - i) and records the batches. */
  function fakeEngine(groups: (sql: string) => number) {
    const batches: string[][] = [];
    const engine = {
      queryMulti: (sql: string) => {
        const statements = sql.split("; ");
        batches.push(statements);
        const sets = statements.map((s) =>
          s.includes("IN ('old-a','old-b')") || s.includes("IN(js.user, 'old-a','old-b')")
            ? [{ facet_value: "old-a", facet_count: 1 }]
            : Array.from({ length: groups(s) }, (_, i) => ({ facet_value: `g${i}`, facet_count: 1000 - i })),
        );
        return Promise.resolve(statements.length === 1 ? sets[0] : sets);
      },
    } as unknown as Engine;
    return { engine, batches };
  }

  it("takes one engine round trip when every column's groups fit", async () => {
    const { engine, batches } = fakeEngine(() => 3);
    const { facets } = await searchFacets(
      { engine, trackedValues: (f) => Promise.resolve(f === "host" ? ["g1", "gone"] : []) },
      "demo",
      ["host", "user"],
      params,
    );
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(2);
    expect(facets).toEqual([
      {
        field: "host",
        values: [
          { value: "g0", count: 1000 },
          { value: "g1", count: 999 },
          { value: "g2", count: 998 },
          { value: "gone", count: 0 },
        ],
      },
      {
        field: "user",
        values: [
          { value: "g0", count: 1000 },
          { value: "g1", count: 999 },
          { value: "g2", count: 998 },
        ],
      },
    ]);
  });

  it("counts the tracked values a cut-off GROUP BY missed in one more round trip, restricted to them", async () => {
    const { engine, batches } = fakeEngine((s) =>
      s.includes("host AS") || s.includes("js.user AS") ? 1000 : 2,
    );
    const { facets } = await searchFacets(
      { engine, trackedValues: () => Promise.resolve(["old-a", "old-b", "g5"]) },
      "demo",
      ["host", "user", "region"],
      params,
    );
    expect(batches).toHaveLength(2);
    expect(batches[1]).toHaveLength(2);
    expect(batches[1]![0]).toContain("host IN ('old-a','old-b')");
    expect(batches[1]![1]).toContain("IN(js.user, 'old-a','old-b')");
    const host = facets[0]!.values;
    expect(host).toHaveLength(3 + 50);
    expect(host.find((v) => v.value === "old-a")).toEqual({ value: "old-a", count: 1 });
    expect(host.find((v) => v.value === "old-b")).toEqual({ value: "old-b", count: 0 });
    expect(host[0]).toEqual({ value: "g0", count: 1000 });
    expect(facets[2]!.values.map((v) => v.value)).toEqual(["g0", "g1", "g5", "old-a", "old-b"]);
  });
});
