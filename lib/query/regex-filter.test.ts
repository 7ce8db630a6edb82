import { describe, expect, it } from "vitest";
import { compileRegexFilters, regexLiterals, regexProblem } from "./regex-filter";
import { parseQuery } from "./parse-query";
import type { LogRecord } from "./wire";

const words = (pattern: string, ignoreCase = false) => regexLiterals(pattern, ignoreCase).map((t) => t.text);

describe("regexLiterals: the words every match contains", () => {
  it("takes runs of letters and digits outside groups, classes and alternations", () => {
    expect(words("timeout after \\d+ms")).toEqual(["timeout", "after"]);
    expect(words("GET /api/orders/\\d+")).toEqual(["get", "api", "orders"]);
    expect(words("conn(ection)? refused")).toEqual(["conn", "refused"]);
    expect(words("[abc]def ghi[xyz]")).toEqual(["def", "ghi"]);
    expect(words("error|warning")).toEqual([]);
    expect(words("(error|warning) disk")).toEqual(["disk"]);
  });

  it("drops what a quantifier makes optional, and quantifier and escape digits", () => {
    expect(words("abcd*")).toEqual(["abc"]);
    expect(words("abcd?e")).toEqual(["abc"]);
    expect(words("abcd{0,2}")).toEqual(["abc"]);
    expect(words("abcd+efg")).toEqual(["abcd", "efg"]);
    expect(words("x{100}")).toEqual([]);
    expect(words("\\x41bcd \\p{Greek}xyz \\123456")).toEqual(["bcd", "xyz"]);
    expect(words("\\Qhello\\E world")).toEqual(["world"]);
  });

  it("keeps words of three characters or more, lowercased, once", () => {
    expect(words("ab Abc ABC abcd")).toEqual(["abc", "abcd"]);
  });

  it("splits runs at k and s when case is ignored: RE2 folds them with the Kelvin sign and the long s", () => {
    expect(words("tasks done", true)).toEqual(["done"]);
    expect(words("(?i)tasks done")).toEqual(["done"]);
    expect(words("tasks done")).toEqual(["tasks", "done"]);
  });
});

describe("regexProblem", () => {
  it("names what RE2 lacks, and passes RE2's own words on", () => {
    expect(regexProblem("(a)\\1")).toMatch(/backreferences/);
    expect(regexProblem("\\\\1")).toBeNull();
    expect(regexProblem("(?<n>a)\\k<n>")).toMatch(/backreferences/);
    expect(regexProblem("(?!a)")).toMatch(/lookahead and lookbehind/);
    expect(regexProblem("(?<=a)b")).toMatch(/lookahead and lookbehind/);
    expect(regexProblem("a**")).toMatch(/invalid nested repetition/);
    expect(regexProblem("x".repeat(513))).toMatch(/longer than 512/);
    expect(regexProblem("(a+)+$")).toBeNull();
  });
});

describe("regular expressions in the query", () => {
  const record = (message: string, fields: Record<string, unknown> = {}): LogRecord =>
    ({ message, fields, level: "info", logger: "shop.api", host: "web-01" }) as unknown as LogRecord;
  const test = (q: string, r: LogRecord) => compileRegexFilters(parseQuery(q).regexes)!(r);

  it("parses /re/, /re/i and field:/re/, leaving paths as words", () => {
    expect(parseQuery("/time(out)?/i x").regexes).toEqual([
      { field: null, pattern: "time(out)?", ignoreCase: true, negate: false },
    ]);
    expect(parseQuery("-user:/^b/").regexes).toEqual([
      { field: "user", pattern: "^b", ignoreCase: false, negate: true },
    ]);
    expect(parseQuery("/api/orders/9").regexes).toBeUndefined();
    expect(parseQuery("/api/orders/").regexes).toBeUndefined();
    expect(parseQuery("/api/orders/9 /health/").regexes).toEqual([
      { field: null, pattern: "health", ignoreCase: false, negate: false },
    ]);
    expect(parseQuery("/api\\/orders [/]x/ /timeout after/").regexes).toEqual([
      { field: null, pattern: "api\\/orders [/]x", ignoreCase: false, negate: false },
      { field: null, pattern: "timeout after", ignoreCase: false, negate: false },
    ]);
    expect(parseQuery("/timeout \\d+/").terms).toEqual([{ kind: "infix", text: "timeout", negate: false }]);
  });

  it("tests the message without colour sequences, and fields by their text", () => {
    expect(test("/^ERROR disk/", record("\u001b[31mERROR\u001b[0m disk full"))).toBe(true);
    expect(test("/^error/", record("ERROR disk"))).toBe(false);
    expect(test("/^error/i", record("ERROR disk"))).toBe(true);
    expect(test("status:/^5\\d\\d$/", record("x", { status: 503 }))).toBe(true);
    expect(test("tags:/^pro/", record("x", { tags: ["web", "prod"] }))).toBe(true);
    expect(test("host:/-01$/ logger:/^shop/", record("x"))).toBe(true);
    expect(test("user:/./", record("x", { user: { name: "a" } }))).toBe(false);
  });

  it("runs in linear time where a backtracking engine would not return", () => {
    expect(test("/(a+)+$/", record(`${"a".repeat(50_000)}!`))).toBe(false);
  });
});
