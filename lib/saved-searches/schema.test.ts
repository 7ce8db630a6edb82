import { describe, it, expect } from "vitest";
import {
  createSavedSearchSchema,
  isReaderUrlOf,
  renameSavedSearchSchema,
  savedSearchIdSchema,
} from "@/lib/saved-searches/schema";

describe("isReaderUrlOf", () => {
  it("accepts the index's reader URL and refuses another index that shares its prefix", () => {
    expect(isReaderUrlOf("/grep/demo", "demo")).toBe(true);
    expect(isReaderUrlOf("/grep/demo?q=error&filter=host:web-01", "demo")).toBe(true);
    expect(isReaderUrlOf("/grep/demo#x", "demo")).toBe(true);
    expect(isReaderUrlOf("/grep/demo2?q=error", "demo")).toBe(false);
    expect(isReaderUrlOf("https://evil.example/grep/demo", "demo")).toBe(false);
    expect(isReaderUrlOf("/admin", "demo")).toBe(false);
  });
});

describe("createSavedSearchSchema", () => {
  it("trims the name and says which field is wrong", () => {
    expect(createSavedSearchSchema.parse({ indexName: "demo", name: " errors ", url: "/grep/demo" })).toEqual(
      {
        indexName: "demo",
        name: "errors",
        url: "/grep/demo",
      },
    );
    const bad = createSavedSearchSchema.safeParse({ indexName: "demo", name: "   ", url: "/grep/demo" });
    expect(bad.error?.issues[0]?.message).toBe("name: 1 to 100 characters");
    const url = createSavedSearchSchema.safeParse({ indexName: "demo", name: "x", url: "/grep/other" });
    expect(url.error?.issues[0]?.message).toBe('url: must start with "/grep/<indexName>"');
  });
});

describe("renameSavedSearchSchema", () => {
  it("takes a trimmed name and nothing else", () => {
    expect(renameSavedSearchSchema.parse({ name: " slow ones " })).toEqual({ name: "slow ones" });
    expect(renameSavedSearchSchema.safeParse({ name: "" }).error?.issues[0]?.message).toBe(
      "name: 1 to 100 characters",
    );
    expect(
      renameSavedSearchSchema.safeParse({ name: "x", url: "/grep/demo" }).error?.issues[0]?.message,
    ).toBe("url: only the name of a saved search can change");
  });
});

describe("savedSearchIdSchema", () => {
  it("accepts positive whole numbers only", () => {
    expect(savedSearchIdSchema.parse("17")).toBe(17);
    for (const v of ["0", "-1", "1.5", "abc", "99999999999"])
      expect(savedSearchIdSchema.safeParse(v).success).toBe(false);
  });
});
