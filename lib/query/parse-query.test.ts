import { describe, expect, it } from "vitest";
import { parseQuery, QuerySyntaxError } from "./parse-query";

const word = (text: string, negate = false) => ({ kind: "word", text, negate });
const term = (text: string) => ({ kind: "term", term: word(text) });

function syntaxError(q: string): QuerySyntaxError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`no error for ${q}`);
}

describe("parseQuery: the plain language keeps its meaning", () => {
  it("ANDs words, phrases, wildcards, fields and exclusions into flat terms and filters", () => {
    expect(parseQuery('error "disk full" pay* *voic* host:web-1 -user:bob -debug host:web-2')).toEqual({
      terms: [
        word("error"),
        { kind: "phrase", text: "disk full", negate: false },
        { kind: "prefix", text: "pay", negate: false },
        { kind: "infix", text: "voic", negate: false },
        word("debug", true),
      ],
      filters: [
        { field: "host", values: ["web-1", "web-2"], negate: false },
        { field: "user", values: ["bob"], negate: true },
      ],
    });
  });

  it("keeps text that is not syntax as text", () => {
    expect(parseQuery("getUser(id) a:b:c http://x/y --x - or and not").terms).toEqual([
      word("getUser(id)"),
      word("http://x/y"),
      word("-x", true),
      word("-"),
      word("or"),
      word("and"),
      word("not"),
    ]);
    expect(parseQuery("a:b:c").filters).toEqual([{ field: "a", values: ["b:c"], negate: false }]);
    expect(parseQuery('host:"web 1" host:=web-2 host:="a b"').filters).toEqual([
      { field: "host", values: ["web 1", "web-2", "a b"], negate: false },
    ]);
  });
});

describe("parseQuery: message:", () => {
  it("reads message: as free text in the message only, words, phrases, wildcards and groups", () => {
    const m = (t: object) => ({ ...t, inMessage: true });
    expect(parseQuery('message:timeout -message:"disk full" message:pay* timeout').terms).toEqual([
      m(word("timeout")),
      m({ kind: "phrase", text: "disk full", negate: true }),
      m({ kind: "prefix", text: "pay", negate: false }),
      word("timeout"),
    ]);
    expect(parseQuery("message:(a OR b)").text).toEqual([
      {
        kind: "or",
        children: [
          { kind: "term", term: m(word("a")) },
          { kind: "term", term: m(word("b")) },
        ],
      },
    ]);
    expect(syntaxError("message: x").message).toMatch(/message: at character 1 needs a value/);
  });
});

describe("parseQuery: boolean structure", () => {
  it("binds NOT tighter than AND, and AND tighter than OR", () => {
    expect(parseQuery("a OR b c")).toEqual({
      terms: [],
      filters: [],
      text: [{ kind: "or", children: [term("a"), { kind: "and", children: [term("b"), term("c")] }] }],
    });
    expect(parseQuery("NOT a b | c").text).toEqual([
      {
        kind: "or",
        children: [{ kind: "and", children: [{ kind: "not", child: term("a") }, term("b")] }, term("c")],
      },
    ]);
    expect(parseQuery("a AND b")).toEqual(parseQuery("a b"));
    expect(parseQuery("a|b")).toEqual(parseQuery("a OR b"));
  });

  it("groups with parentheses, and a group at the top level is its parts", () => {
    expect(parseQuery("(a OR b) c")).toEqual({
      terms: [word("c")],
      filters: [],
      text: [{ kind: "or", children: [term("a"), term("b")] }],
    });
    expect(parseQuery("(a b) -(c d)")).toEqual({
      terms: [word("a"), word("b")],
      filters: [],
      text: [{ kind: "not", child: { kind: "and", children: [term("c"), term("d")] } }],
    });
    expect(parseQuery("NOT NOT a")).toEqual(parseQuery("a"));
  });

  it("reads field:(a OR b) as either value, and a repeated field in an AND group as either value", () => {
    expect(parseQuery("status:(500 OR 404) status:503")).toEqual({
      terms: [],
      filters: [{ field: "status", values: ["500", "404", "503"], negate: false }],
    });
    expect(parseQuery("-host:(a OR b)").filters).toEqual([
      { field: "host", values: ["a", "b"], negate: true },
    ]);
    expect(parseQuery("status:(500 OR >=600)").conditions).toEqual([
      {
        kind: "or",
        children: [
          { kind: "in", field: "status", values: ["500"] },
          { kind: "cmp", field: "status", op: ">=", value: 600 },
        ],
      },
    ]);
    expect(parseQuery("(host:a host:b) OR level:error").conditions).toEqual([
      {
        kind: "or",
        children: [
          { kind: "in", field: "host", values: ["a", "b"] },
          { kind: "in", field: "level", values: ["error"] },
        ],
      },
    ]);
  });

  it("refuses OR and NOT over words and fields together, naming the place", () => {
    const e = syntaxError("disk timeout OR status:500");
    expect(e.position).toBe(0);
    expect(e.message).toMatch(/OR group starting at character 1 combines words and field conditions/);
    expect(syntaxError("x -(timeout status:500)").position).toBe(2);
    expect(syntaxError("x -(timeout status:500)").message).toMatch(
      /^the NOT at character 3 combines words and field conditions under NOT/,
    );
    expect(syntaxError("NOT a|b n:5").message).toMatch(/^the OR group starting at character 1/);
    expect(parseQuery("(a b:1) c").terms).toHaveLength(2);
  });

  it("names the place of unbalanced parentheses and dangling operators", () => {
    expect(syntaxError("a (b c").message).toBe(
      'unbalanced parenthesis: the "(" at character 3 is not closed',
    );
    expect(syntaxError("a b)").message).toBe('unbalanced parenthesis: the ")" at character 4 closes nothing');
    expect(syntaxError("a OR").message).toBe("OR at character 3 needs a term after it");
    expect(syntaxError("| a").message).toBe("OR at character 1 needs a term before it");
    expect(syntaxError("a AND").message).toBe("AND at character 3 needs a term on each side");
    expect(syntaxError("a NOT").message).toBe("NOT at character 3 needs a term after it");
    expect(syntaxError("()").message).toBe("expected a term at character 2");
    expect(syntaxError("status:(500").position).toBe(7);
  });
});

describe("parseQuery: comparisons, ranges and presence", () => {
  const conditions = (q: string) => parseQuery(q).conditions;

  it("compares numbers, and reads a range as both ends included", () => {
    expect(conditions("status:>=500 n:<3 x:>-1.5 y:<=0")).toEqual([
      { kind: "cmp", field: "status", op: ">=", value: 500 },
      { kind: "cmp", field: "n", op: "<", value: 3 },
      { kind: "cmp", field: "x", op: ">", value: -1.5 },
      { kind: "cmp", field: "y", op: "<=", value: 0 },
    ]);
    expect(conditions("status:[400 TO 499]")).toEqual([
      { kind: "cmp", field: "status", op: ">=", value: 400 },
      { kind: "cmp", field: "status", op: "<=", value: 499 },
    ]);
    expect(conditions("status:[* TO 499]")).toEqual([{ kind: "cmp", field: "status", op: "<=", value: 499 }]);
  });

  it("converts units to the unit the field's name says, else seconds and bytes", () => {
    expect(conditions("duration_ms:>1.5s took:>2m latencyMs:<250ms size:>=10kb body_bytes:<1mb")).toEqual([
      { kind: "cmp", field: "duration_ms", op: ">", value: 1500 },
      { kind: "cmp", field: "took", op: ">", value: 120 },
      { kind: "cmp", field: "latencyMs", op: "<", value: 250 },
      { kind: "cmp", field: "size", op: ">=", value: 10240 },
      { kind: "cmp", field: "body_bytes", op: "<", value: 1048576 },
    ]);
    expect(conditions("wait_s:>=500ms")).toEqual([{ kind: "cmp", field: "wait_s", op: ">=", value: 0.5 }]);
    expect(syntaxError("duration_ms:>5kb").message).toMatch(/duration_ms holds a duration, not a size/);
    expect(syntaxError("body_bytes:>5s").message).toMatch(/body_bytes holds bytes, not a duration/);
    expect(syntaxError("n:>5parsecs").message).toMatch(/expected a number/);
    expect(syntaxError("n:>5q").message).toMatch(/unknown unit "q"/);
  });

  it("compares levels by severity, and refuses comparisons on text attributes", () => {
    expect(conditions("level:>=warn")).toEqual([{ kind: "cmp", field: "level", op: ">=", value: 40 }]);
    expect(conditions("level:[info TO warning]")).toEqual([
      { kind: "cmp", field: "level", op: ">=", value: 30 },
      { kind: "cmp", field: "level", op: "<=", value: 40 },
    ]);
    expect(syntaxError("level:>loud").message).toMatch(
      /"loud" at character 8: a level comparison needs a level/,
    );
    const e = syntaxError("x host:>5");
    expect(e.position).toBe(2);
    expect(e.message).toMatch(/host holds text/);
    expect(syntaxError("status:[1 TO]").message).toMatch(/expected a range like status:\[10 TO 20\]/);
  });

  it("reads field:* as presence and -field:* as absence", () => {
    expect(conditions("trace_id:* -user:*")).toEqual([
      { kind: "exists", field: "trace_id" },
      { kind: "not", child: { kind: "exists", field: "user" } },
    ]);
    expect(parseQuery("user:*bob").filters).toEqual([{ field: "user", values: ["*bob"], negate: false }]);
  });
});
