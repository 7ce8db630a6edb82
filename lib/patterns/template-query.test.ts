import { describe, expect, it } from "vitest";
import { parseQuery } from "@/lib/query/parse-query";
import { excludeQuery, fixedRuns, templateQuery } from "./template-query";

const tokens = (t: string) => t.split(" ");

describe("templateQuery", () => {
  it("quotes each run of fixed tokens, leaving out tokens that hold a placeholder", () => {
    expect(templateQuery(tokens("cache miss <_> (loaded in <_>ms, ttl <_> s)"))).toBe(
      '"cache miss" "(loaded in" "ttl" "s)"',
    );
  });

  it("adds a stack trace's exception type and frame", () => {
    expect(templateQuery(tokens("crashed for order <_>"), { type: "KeyError", frame: "checkout" })).toBe(
      '"crashed for order" "KeyError" "checkout"',
    );
  });

  it("escapes quotes and backslashes so the parser reads back the same phrases", () => {
    const template = tokens('say "hi" to C:\\temp <_> now');
    const parsed = parseQuery(templateQuery(template));
    expect(parsed.terms).toEqual([
      { kind: "phrase", text: 'say "hi" to C:\\temp', negate: false },
      { kind: "phrase", text: "now", negate: false },
    ]);
  });

  it("drops runs without a word and is empty for a template of placeholders", () => {
    expect(fixedRuns(tokens("<_> -- <_> ✉️"))).toEqual([]);
    expect(templateQuery(tokens("<_> <_>"))).toBe("");
  });

  it("excludes by the longest fixed run, read by the parser as a negated phrase", () => {
    const q = excludeQuery(tokens("user <_> added product <_> to cart"));
    expect(q).toBe('-"added product"');
    expect(parseQuery(q).terms).toEqual([{ kind: "phrase", text: "added product", negate: true }]);
  });
});
