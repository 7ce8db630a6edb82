import { describe, expect, it } from "vitest";
import {
  candidateValues,
  matchingFields,
  rankValues,
  SUGGEST_CANDIDATES,
} from "@/lib/query/search-suggestions";

describe("matchingFields", () => {
  it("keeps the fields a query can name that start with the prefix, any case, in the given order", () => {
    const fields = ["level", "logger", "host", "@tag", "Login", "region"];
    expect(matchingFields(fields, "", 20)).toEqual(["level", "logger", "host", "Login", "region"]);
    expect(matchingFields(fields, "lo", 20)).toEqual(["logger", "Login"]);
    expect(matchingFields(fields, "LOG", 1)).toEqual(["logger"]);
    expect(matchingFields(fields, "@", 20)).toEqual([]);
  });
});

describe("candidateValues", () => {
  it("keeps the tracked values that start with the prefix, any case, most recently seen first, bounded", () => {
    expect(candidateValues(["web-2", "db-1", "Web-10", "web"], "web")).toEqual(["web-2", "Web-10", "web"]);
    const many = Array.from({ length: 500 }, (_, i) => `v${i}`);
    expect(candidateValues(many, "v")).toEqual(many.slice(0, SUGGEST_CANDIDATES));
  });
});

describe("rankValues", () => {
  it("puts the most frequent first, then the most recently seen, those without matches last", () => {
    const counts = new Map([
      ["cart", 10],
      ["checkout", 30],
      ["billing api", 10],
    ]);
    expect(rankValues(["billing api", "old", "cart", "checkout"], counts, 20)).toEqual([
      { value: "checkout", count: 30 },
      { value: "billing api", count: 10 },
      { value: "cart", count: 10 },
      { value: "old", count: 0 },
    ]);
    expect(rankValues(["billing api", "old", "cart", "checkout"], counts, 2).map((v) => v.value)).toEqual([
      "checkout",
      "billing api",
    ]);
  });
});
