import { describe, expect, it } from "vitest";
import { parseQuery } from "@/lib/query/parse-query";
import { completeField, completeValue, quoteValue, tokenAt } from "./query-suggest";

/** The token at the caret marked `|` in `marked`. */
const at = (marked: string) => {
  const caret = marked.indexOf("|");
  const text = marked.slice(0, caret) + marked.slice(caret + 1);
  return { text, token: tokenAt(text, caret) };
};

describe("tokenAt", () => {
  it("reads a word start as a field name to complete", () => {
    expect(at("ho|").token).toEqual({ kind: "field", start: 0, end: 2, negate: false, prefix: "ho" });
    expect(at("error -ho|").token).toEqual({ kind: "field", start: 6, end: 9, negate: true, prefix: "ho" });
    expect(at('"a b" lev|el').token).toEqual({
      kind: "field",
      start: 6,
      end: 11,
      negate: false,
      prefix: "lev",
    });
  });

  it("reads what follows field: as a value to complete, quoted or not", () => {
    expect(at("host:|").token).toEqual({
      kind: "value",
      start: 0,
      end: 5,
      negate: false,
      field: "host",
      prefix: "",
    });
    expect(at("x host:we|b-1 y").token).toEqual({
      kind: "value",
      start: 2,
      end: 12,
      negate: false,
      field: "host",
      prefix: "we",
    });
    expect(at('-logger:"billing a|').token).toEqual({
      kind: "value",
      start: 0,
      end: 18,
      negate: true,
      field: "logger",
      prefix: "billing a",
    });
    expect(at('logger:"say \\"hi|').token).toMatchObject({ kind: "value", prefix: 'say "hi' });
  });

  it("suggests nothing after a space, inside a phrase, in a word no field starts like, or before the colon", () => {
    for (const marked of ["|", "error |", '"conn ref|', "web-1|", "pay*|", "ho|st:web", "http://x|"]) {
      expect({ marked, token: at(marked).token }).toEqual({ marked, token: { kind: "none" } });
    }
  });
});

describe("completions", () => {
  it("writes field: in place of the word, keeping the minus, caret after the colon", () => {
    const { text, token } = at("error -ho|");
    if (token.kind !== "field") throw new Error("expected a field token");
    expect(completeField(text, token, "host")).toEqual({ text: "error -host:", caret: 12 });
  });

  it("writes field:value and a space, quoting what the parser would not read back whole", () => {
    const { text, token } = at("logger:bil| error");
    if (token.kind !== "value") throw new Error("expected a value token");
    expect(completeValue(text, token, "billing api")).toEqual({
      text: 'logger:"billing api" error',
      caret: 21,
    });
    expect(quoteValue("web-1")).toBe("web-1");
    expect(quoteValue("a\\b")).toBe("a\\b");
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteValue("//cdn")).toBe('"//cdn"');
  });

  it("reads a term inside a group, leaving the group's parentheses and operators out", () => {
    const { text, token } = at("error (level:warn OR host:we|) x");
    expect(token).toEqual({ kind: "value", start: 21, end: 28, negate: false, field: "host", prefix: "we" });
    if (token.kind !== "value") throw new Error("expected a value token");
    expect(completeValue(text, token, "web-01").text).toBe("error (level:warn OR host:web-01 ) x");
    expect(at("-(ho|").token).toEqual({ kind: "field", start: 2, end: 4, negate: false, prefix: "ho" });
    expect(at("(-ho|").token).toEqual({ kind: "field", start: 1, end: 4, negate: true, prefix: "ho" });
    expect(tokenAt("(a |ho", 6)).toEqual({ kind: "field", start: 4, end: 6, negate: false, prefix: "ho" });
  });

  it("completes values the query parser reads back as exactly that filter", () => {
    const values = [
      "web-1",
      "billing api",
      'say "hi"',
      "back\\slash",
      'tab\tand "\\"',
      "//cdn/x",
      "a:b",
      "-x",
      "é ü",
      "a|b",
      "x)",
      "(x",
      ">5",
      "<=3",
      "*",
      "*x",
      "=x",
      "/re/",
      "[1 TO 2]",
    ];
    for (const value of values) {
      const { text, token } = at("error -host:|");
      if (token.kind !== "value") throw new Error("expected a value token");
      const done = completeValue(text, token, value);
      expect(parseQuery(done.text)).toEqual({
        terms: [{ kind: "word", text: "error", negate: false }],
        filters: [{ field: "host", values: [value], negate: true }],
      });
      expect(tokenAt(done.text, done.caret)).toEqual({ kind: "none" });
    }
  });
});
