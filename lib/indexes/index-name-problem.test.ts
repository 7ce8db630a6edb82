import { describe, expect, it } from "vitest";
import { INDEX_NAME_PATTERN, isValidIndexName } from "@/lib/engine/index-names";
import { INDEX_NAME_RULE, indexNameProblem } from "./index-name-problem";
import { indexNameSchema } from "./schema";

describe("indexNameProblem", () => {
  it("accepts what the engine accepts", () => {
    for (const name of ["shop", "a", "web_2", `a${"b".repeat(47)}`])
      expect(indexNameProblem(name)).toBeNull();
  });

  it("says the rule and what the name does against it", () => {
    expect(INDEX_NAME_RULE).toBe(
      "an index name is lowercase letters, digits and _ (starting with a letter, at most 48)",
    );
    expect(indexNameProblem("Shop-1")).toBe(`${INDEX_NAME_RULE}: "S", "-" are not allowed`);
    expect(indexNameProblem("my shop")).toBe(`${INDEX_NAME_RULE}: " " is not allowed`);
    expect(indexNameProblem("1shop")).toBe(`${INDEX_NAME_RULE}: it starts with "1"`);
    expect(indexNameProblem("_shop")).toBe(`${INDEX_NAME_RULE}: it starts with "_"`);
    expect(indexNameProblem("a".repeat(49))).toBe(`${INDEX_NAME_RULE}: it has 49 characters`);
    expect(indexNameProblem("")).toBe(`${INDEX_NAME_RULE}: it is empty`);
    expect(indexNameProblem("alco_health")).toContain("alco's own health table");
  });

  it("is the rule the API enforces, in the same words", () => {
    for (const name of ["shop", "Shop-1", "1shop", "a".repeat(49), "alco_health", "", "ß"]) {
      expect(indexNameProblem(name) === null).toBe(isValidIndexName(name));
      expect(indexNameProblem(name) === null).toBe(INDEX_NAME_PATTERN.test(name) && name !== "alco_health");
      const parsed = indexNameSchema.safeParse(name);
      expect(parsed.success ? null : parsed.error.issues[0]!.message).toBe(indexNameProblem(name));
    }
  });
});
