import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  ALL_DOCS_TOKEN,
  compileFieldFilters,
  compileHighlight,
  compileMatch,
  compileMatchTerm,
  dailyTableName,
  isValidIndexName,
  messageFromEngine,
  messageToEngine,
  parseDailyTableName,
  replaceRowsSql,
  selectRecordsSql,
  type MatchTerm,
  type SelectRecords,
  type TextQuery,
} from "@/lib/engine/sphinxql-dialect";

// Every character with a meaning inside MATCH(), including the ones the compiler itself places (`-`, `"`, `*`).
const MATCH_OPERATORS = new Set([..."\\()|-!@~\"&/^$=<*>?:[]{}'.,;#%+ \t\n"]);

/** The term as the message holds it: a compiled term without its readings for pieced words in `fields`. */
function messageForm(compiled: string): string {
  const negate = compiled.startsWith("-");
  const s = negate ? compiled.slice(1) : compiled;
  const at = s.indexOf(" | (@fields ");
  if (at < 0) return compiled;
  expect(s.startsWith("(") && s.endsWith(")")).toBe(true);
  return `${negate ? "-" : ""}${s.slice(1, at)}`;
}

/**
 * Removes the syntax compileMatchTerm places (leading `-`, phrase quotes, wildcard `*`, readings in `fields`) and
 * returns the words, checking that it sits where the term's kind says.
 */
function wordsOf(compiled: string, term: MatchTerm): string[] {
  let s = messageForm(compiled);
  if (term.negate) {
    expect(s.startsWith("-")).toBe(true);
    s = s.slice(1);
  }
  let words: string[];
  if (s.startsWith('"')) {
    expect(s.endsWith('"') && s.length > 2).toBe(true);
    words = s.slice(1, -1).split(" ");
  } else {
    words = [s];
  }
  if (term.kind === "prefix" || term.kind === "infix") {
    expect(words.at(-1)!.endsWith("*")).toBe(true);
    words[words.length - 1] = words.at(-1)!.slice(0, -1);
  }
  if (term.kind === "infix") {
    expect(words[0]!.startsWith("*")).toBe(true);
    words[0] = words[0]!.slice(1);
  }
  return words;
}

/** The characters of a word that are not preceded by a backslash escape. */
function unescapedChars(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) {
    if (word[i] === "\\") i++;
    else out.push(word[i]!);
  }
  return out;
}

const operatorText = fc.string({
  unit: fc.constantFrom(..."\\()|-!@~\"&/^$=<*>?:[]{}'.,;#%+ ab09_é"),
  maxLength: 30,
});
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  operatorText,
);
const matchTerm: fc.Arbitrary<MatchTerm> = fc.record({
  kind: fc.constantFrom("word", "phrase", "prefix", "infix"),
  text: anyText,
  negate: fc.boolean(),
});

describe("compileMatchTerm", () => {
  it("leaves no MATCH operator unescaped except the syntax it places itself", () => {
    fc.assert(
      fc.property(matchTerm, (term) => {
        const compiled = compileMatchTerm(term);
        if (compiled === null) return;
        for (const word of wordsOf(compiled, term)) {
          expect(word.length).toBeGreaterThan(0);
          for (const c of unescapedChars(word))
            expect(MATCH_OPERATORS.has(c), `unescaped ${JSON.stringify(c)} in ${compiled}`).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the letters and digits of every word it is given, lowercased", () => {
    fc.assert(
      fc.property(matchTerm, (term) => {
        const compiled = compileMatchTerm(term);
        const kept = (s: string) => s.replace(/[^\p{L}\p{N}_]+/gu, "");
        expect(kept(messageForm(compiled ?? ""))).toBe(kept(kept(term.text).toLowerCase()));
      }),
    );
  });

  it("lowercases words so that uppercase operator keywords are searched as words", () => {
    for (const op of ["MAYBE", "SENTENCE", "PARAGRAPH", "NEAR", "NOTNEAR", "ZONE", "ZONESPAN"]) {
      expect(compileMatchTerm({ kind: "word", text: op, negate: false })).toBe(op.toLowerCase());
    }
  });

  it("passes a plain word through", () => {
    expect(compileMatchTerm({ kind: "word", text: "timeout", negate: false })).toBe("timeout");
  });

  it("turns a blended word into a phrase of its parts", () => {
    expect(compileMatchTerm({ kind: "word", text: "web-09", negate: false })).toBe('"web 09"');
    expect(compileMatchTerm({ kind: "word", text: "status=500", negate: false })).toBe('"status 500"');
    expect(compileMatchTerm({ kind: "word", text: "10.0.0.1", negate: false })).toBe('"10 0 0 1"');
  });

  it("quotes a phrase even of one word", () => {
    expect(compileMatchTerm({ kind: "phrase", text: "timeout", negate: false })).toBe('"timeout"');
    expect(compileMatchTerm({ kind: "phrase", text: "connection refused", negate: false })).toBe(
      '"connection refused"',
    );
  });

  it("puts the prefix wildcard after the last word, which may also start an id held in pieces", () => {
    expect(compileMatchTerm({ kind: "prefix", text: "time", negate: false })).toBe(
      "(time* | (@fields _time*))",
    );
    expect(compileMatchTerm({ kind: "prefix", text: "web-0", negate: false })).toBe(
      '("web 0*" | (@fields "web _0*"))',
    );
    expect(compileMatchTerm({ kind: "prefix", text: "f3c25", negate: false })).toBe(
      '(f3c25* | (@fields "_f3c2 __5*") | (@fields "_f3c2 ___5*"))',
    );
  });

  it("limits a term of message: to the message field, where no pieces are", () => {
    expect(compileMatchTerm({ kind: "word", text: "f3c25632b924", negate: true, inMessage: true })).toBe(
      "-(@message f3c25632b924)",
    );
    expect(compileMatchTerm({ kind: "prefix", text: "pay", negate: false, inMessage: true })).toBe(
      "(@message pay*)",
    );
  });

  it("reads a long word with a digit also as the marked pieces `fields` holds it in", () => {
    expect(compileMatchTerm({ kind: "word", text: "req-f3c25632b924", negate: false })).toBe(
      '("req f3c25632b924" | (@fields "req _f3c2 __5632 ___b924"))',
    );
    expect(compileMatchTerm({ kind: "phrase", text: "id f3c25632", negate: true })).toBe(
      '-("id f3c25632" | (@fields "id _f3c2 ___5632"))',
    );
    // Infixes find a part of a pieced id only within a piece: no second reading.
    expect(compileMatchTerm({ kind: "infix", text: "25632b9", negate: false })).toBe("*25632b9*");
    expect(compileMatchTerm({ kind: "word", text: "traceback", negate: false })).toBe("traceback");
  });

  it("puts infix wildcards on both ends", () => {
    expect(compileMatchTerm({ kind: "infix", text: "meou", negate: false })).toBe("*meou*");
  });

  it("negates with a leading minus", () => {
    expect(compileMatchTerm({ kind: "word", text: "healthcheck", negate: true })).toBe("-healthcheck");
    expect(compileMatchTerm({ kind: "word", text: "web-09", negate: true })).toBe('-"web 09"');
  });

  it.each([["--"], ["!!!"], ['"()"'], [""], ["   "], ["@*"]])(
    "gives null for a term of only punctuation (%j)",
    (text) => {
      expect(compileMatchTerm({ kind: "word", text, negate: false })).toBeNull();
    },
  );
});

describe("compileMatch", () => {
  // Parenthesised so that the field limit does not reach the exclusions after it.
  const ANCHOR = `(@fields ${ALL_DOCS_TOKEN})`;

  it("joins terms with spaces (implicit AND)", () => {
    expect(
      compileMatch([
        { kind: "word", text: "error", negate: false },
        { kind: "word", text: "web-09", negate: false },
        { kind: "word", text: "healthcheck", negate: true },
      ]),
    ).toBe('error "web 09" -healthcheck');
  });

  it("anchors an only-negative query on the token every document carries", () => {
    expect(compileMatch([{ kind: "word", text: "healthcheck", negate: true }])).toBe(
      `${ANCHOR} -healthcheck`,
    );
  });

  it("anchors a query whose only positive term is punctuation", () => {
    expect(
      compileMatch([
        { kind: "word", text: "--", negate: false },
        { kind: "word", text: "ping", negate: true },
      ]),
    ).toBe(`${ANCHOR} -ping`);
  });

  it("drops punctuation-only terms", () => {
    expect(
      compileMatch([
        { kind: "word", text: "error", negate: false },
        { kind: "word", text: "!!", negate: true },
      ]),
    ).toBe("error");
  });

  it("gives null when no term can match", () => {
    expect(compileMatch([])).toBeNull();
    expect(compileMatch([{ kind: "word", text: "...", negate: false }])).toBeNull();
  });

  it("is its terms' compiled forms joined by spaces, anchored exactly when none is positive", () => {
    fc.assert(
      fc.property(fc.array(matchTerm, { maxLength: 5 }), (terms) => {
        const compiled = compileMatch(terms);
        const kept = terms.filter((t) => compileMatchTerm(t) !== null);
        if (kept.length === 0) {
          expect(compiled).toBeNull();
          return;
        }
        let rest = compiled!;
        if (kept.every((t) => t.negate)) {
          expect(rest.startsWith(`${ANCHOR} `)).toBe(true);
          rest = rest.slice(`${ANCHOR} `.length);
        } else {
          expect(rest.startsWith(ANCHOR)).toBe(false);
        }
        expect(rest).toBe(kept.map((t) => compileMatchTerm(t)).join(" "));
      }),
    );
  });
});

describe("compileFieldFilters", () => {
  it("filters known levels on the level number, which the collector stores with each canonical name", () => {
    expect(compileFieldFilters([{ field: "level", values: ["error", "fatal"], negate: false }])).toEqual({
      where: ["lvl IN (50,60)"],
      select: [],
    });
    expect(compileFieldFilters([{ field: "level", values: ["debug"], negate: true }]).where).toEqual([
      "lvl NOT IN (20)",
    ]);
    // As the engine's string test, without case.
    expect(compileFieldFilters([{ field: "level", values: ["ERROR"], negate: false }]).where).toEqual([
      "lvl IN (50)",
    ]);
  });

  it("keeps the string test for level names it does not know, which are all stored with number 0", () => {
    expect(
      compileFieldFilters([{ field: "level", values: ["error", "audit"], negate: false }]).where,
    ).toEqual(["lvl IN (0,50)", "level IN ('error','audit')"]);
    expect(compileFieldFilters([{ field: "level", values: ["audit", "warn"], negate: true }]).where).toEqual([
      "level NOT IN ('audit','warn')",
    ]);
    // An alias is not a stored name: "warning" is stored as "warn", so it matches what it matched before.
    expect(compileFieldFilters([{ field: "level", values: ["warning"], negate: false }]).where).toEqual([
      "lvl IN (0)",
      "level IN ('warning')",
    ]);
  });

  it("filters attribute fields with NOT IN when negated", () => {
    expect(compileFieldFilters([{ field: "host", values: ["web-1"], negate: true }]).where).toEqual([
      "host NOT IN ('web-1')",
    ]);
    expect(compileFieldFilters([{ field: "logger", values: ["a.b"], negate: false }]).where).toEqual([
      "logger IN ('a.b')",
    ]);
  });

  it("filters other fields through a select expression over the JSON column", () => {
    expect(compileFieldFilters([{ field: "user", values: ["bob", "amy"], negate: false }])).toEqual({
      select: ["IN(js.user, 'bob','amy') AS f0"],
      where: ["f0 = 1"],
    });
  });

  it("excludes by a JSON field when negated", () => {
    expect(compileFieldFilters([{ field: "user", values: ["bob"], negate: true }]).where).toEqual(["f0 = 0"]);
  });

  it("matches a numeric-looking value both as a string and as a number, never mixing the two in one IN()", () => {
    const [expr] = compileFieldFilters([
      { field: "status", values: ["500", "-1", "1.5", "5xx"], negate: false },
    ]).select;
    expect(expr).toBe("(IN(js.status, '500','-1','1.5','5xx') OR IN(js.status, 500,-1,1.5)) AS f0");
    // Sphinx 2.2 refuses an IN() whose list mixes strings and numbers.
    for (const list of expr!.matchAll(/IN\(js\.\w+, ([^)]*)\)/g)) {
      const items = list[1]!.split(",");
      expect(items.every((x) => x.startsWith("'")) || items.every((x) => !x.startsWith("'"))).toBe(true);
    }
  });

  it("ANDs fields, each with its own alias", () => {
    expect(
      compileFieldFilters([
        { field: "level", values: ["error"], negate: false },
        { field: "user", values: ["bob"], negate: false },
        { field: "status", values: ["500"], negate: true },
      ]),
    ).toEqual({
      where: ["lvl IN (50)", "f1 = 1", "f2 = 0"],
      select: ["IN(js.user, 'bob') AS f1", "(IN(js.status, '500') OR IN(js.status, 500)) AS f2"],
    });
  });

  it("ignores a filter without values", () => {
    expect(compileFieldFilters([{ field: "user", values: [], negate: false }])).toEqual({
      where: [],
      select: [],
    });
  });

  it.each([["a.b"], ["1abc"], ["user; DROP"], ["js.user"], [""], ["x".repeat(65)]])(
    "refuses the field name %j",
    (field) => {
      expect(() => compileFieldFilters([{ field, values: ["v"], negate: false }])).toThrow(
        /invalid field name/,
      );
    },
  );
});

/** Splits SQL into its text outside string literals (literals replaced by `?`) and the decoded literals. */
function splitSqlLiterals(sql: string): { skeleton: string; literals: string[] } {
  let skeleton = "";
  const literals: string[] = [];
  for (let i = 0; i < sql.length; i++) {
    if (sql[i] !== "'") {
      skeleton += sql[i];
      continue;
    }
    let lit = "";
    for (i++; i < sql.length && sql[i] !== "'"; i++) {
      if (sql[i] === "\\") {
        i++;
        const c = sql[i]!;
        lit +=
          ({ "0": "\0", n: "\n", r: "\r", Z: "\x1a", b: "\b", t: "\t" } as Record<string, string>)[c] ?? c;
      } else lit += sql[i];
    }
    expect(i < sql.length, `unterminated literal in ${sql}`).toBe(true);
    literals.push(lit);
    skeleton += "?";
  }
  return { skeleton, literals };
}

const BASE: SelectRecords = { tables: ["app"], match: null, filters: [], limit: 100, highlight: null };

const t = (text: string): TextQuery => ({ kind: "term", term: { kind: "word", text, negate: false } });
const not = (child: TextQuery): TextQuery => ({ kind: "not", child });
const or = (...children: TextQuery[]): TextQuery => ({ kind: "or", children });
const and = (...children: TextQuery[]): TextQuery => ({ kind: "and", children });
const ALL = `(@fields ${ALL_DOCS_TOKEN})`;

describe("compileMatch with trees", () => {
  it("writes OR as | and groups in parentheses", () => {
    expect(compileMatch([], [or(t("a"), and(t("b"), t("web-1")))])).toBe('(a | (b "web 1"))');
    expect(compileMatch([{ kind: "word", text: "x", negate: false }], [or(t("a"), t("b"))])).toBe(
      "x (a | b)",
    );
  });

  it("gives every NOT something to subtract from where it stands alone", () => {
    // 2.2 refuses `a | -b` (syntax error) and a lone NOT (non-computable): measured.
    expect(compileMatch([], [or(t("a"), not(t("b")))])).toBe(`(a | (${ALL} -b))`);
    expect(compileMatch([], [not(and(t("a"), t("b")))])).toBe(`${ALL} -(a b)`);
    expect(compileMatch([], [and(not(t("a")), not(t("b")))])).toBe(`(${ALL} -a -b)`);
    expect(compileMatch([], [not(not(t("a")))])).toBe("a");
    expect(compileMatch([{ kind: "word", text: "x", negate: false }], [not(or(t("a"), t("b")))])).toBe(
      "x -(a | b)",
    );
  });

  it("drops terms that are only punctuation, as in a flat query", () => {
    expect(compileMatch([], [or(t("..."), t("a"))])).toBe("a");
    expect(compileMatch([], [or(t("..."), t("!!"))])).toBeNull();
    expect(compileMatch([], [not(t("..."))])).toBeNull();
  });

  it("escapes operator characters inside trees", () => {
    expect(compileMatch([], [or(t("a|b"), t("(c)"))])).toBe('("a b" | c)');
    expect(compileMatch([], [or(t("MAYBE"), t("NEAR"))])).toBe("(maybe | near)");
  });

  it("marks any positive term of the trees, never the excluded ones", () => {
    expect(compileHighlight([{ kind: "word", text: "x", negate: false }], [or(t("a"), not(t("b")))])).toBe(
      "x | a",
    );
    expect(compileHighlight([{ kind: "word", text: "x", negate: true }], [])).toBeNull();
  });
});

describe("compileFieldFilters with conditions", () => {
  it("writes comparisons on JSON numbers as expressions that hold for numbers only", () => {
    expect(compileFieldFilters([], [{ kind: "cmp", field: "status", op: ">=", value: 500 }])).toEqual({
      select: ["(LENGTH(js.status) = 1 AND js.status[0] IS NULL AND js.status >= 500) AS c0"],
      where: ["c0 = 1"],
    });
  });

  it("puts level ranges and JSON presence in WHERE", () => {
    expect(
      compileFieldFilters(
        [],
        [
          { kind: "cmp", field: "level", op: ">=", value: 40 },
          { kind: "exists", field: "trace" },
          { kind: "not", child: { kind: "exists", field: "user" } },
        ],
      ),
    ).toEqual({ select: [], where: ["lvl > 0", "lvl >= 40", "js.trace IS NOT NULL", "js.user IS NULL"] });
  });

  it("writes OR and NOT over attributes, levels and JSON as one expression", () => {
    const { select, where } = compileFieldFilters(
      [{ field: "host", values: ["a"], negate: false }],
      [
        {
          kind: "or",
          children: [
            { kind: "in", field: "level", values: ["error", "FATAL"] },
            { kind: "in", field: "level", values: ["audit"] },
            { kind: "in", field: "logger", values: ["x'y"] },
            { kind: "not", child: { kind: "in", field: "user", values: ["bob"] } },
            { kind: "exists", field: "host" },
          ],
        },
      ],
    );
    expect(select).toEqual([
      "(IN(lvl, 50,60) OR IN(level, 'audit') OR IN(logger, 'x\\'y') OR NOT (IN(js.user, 'bob')) OR NOT (host = '')) AS c0",
    ]);
    expect(where).toEqual(["c0 = 1", "host IN ('a')"]);
  });

  it("refuses what no query can produce", () => {
    expect(() => compileFieldFilters([], [{ kind: "cmp", field: "host", op: ">", value: 1 }])).toThrow();
    expect(() => compileFieldFilters([], [{ kind: "cmp", field: "x", op: ">", value: 1e300 }])).toThrow();
    expect(() => compileFieldFilters([], [{ kind: "exists", field: "a b" }])).toThrow();
  });
});

describe("selectRecordsSql", () => {
  it("selects newest first without a cursor", () => {
    expect(selectRecordsSql(BASE)).toBe(
      "SELECT id, ts, seq, msg, level, logger, host, js FROM app ORDER BY ts DESC, seq DESC, id DESC LIMIT 100 OPTION max_matches=1000, ranker=none",
    );
  });

  it("selects oldest first without a cursor when asked", () => {
    expect(selectRecordsSql({ ...BASE, direction: "newer" })).toContain(
      "FROM app ORDER BY ts ASC, seq ASC, id ASC LIMIT 100",
    );
  });

  it("pages to older records with a keyset on (ts, seq, id), newest first", () => {
    const sql = selectRecordsSql({
      ...BASE,
      cursor: { at: { ts: 1795000000123, seq: "7", id: "42" }, direction: "older" },
    });
    expect(sql).toContain(
      "(ts < 1795000000123 OR (ts = 1795000000123 AND (seq < 7 OR (seq = 7 AND id < 42)))) AS kc",
    );
    expect(sql).toContain("WHERE ts <= 1795000000123 AND kc = 1");
    expect(sql).toContain("ORDER BY ts DESC, seq DESC, id DESC");
  });

  it("pages to newer records with a keyset on (ts, seq, id), oldest first", () => {
    const sql = selectRecordsSql({
      ...BASE,
      cursor: { at: { ts: 1795000000123, seq: "7", id: "42" }, direction: "newer" },
    });
    expect(sql).toContain(
      "(ts >= 1795000000123 AND (ts > 1795000000123 OR seq > 7 OR (seq = 7 AND id > 42))) AS kc",
    );
    expect(sql).toContain("WHERE ts >= 1795000000123 AND kc = 1");
    expect(sql).toContain("ORDER BY ts ASC, seq ASC, id ASC");
  });

  it.each([
    [{ ts: 1, seq: "0", id: "abc" }],
    [{ ts: 1, seq: "0", id: "1 OR 1=1" }],
    [{ ts: 1, seq: "1 OR 1=1", id: "1" }],
    [{ ts: 1, seq: "", id: "1" }],
    [{ ts: 1, seq: "0", id: "" }],
    [{ ts: 1, seq: "0", id: "1".repeat(21) }],
    [{ ts: 1.5, seq: "0", id: "1" }],
    [{ ts: Number.NaN, seq: "0", id: "1" }],
  ])("refuses the cursor %j", (at) => {
    expect(() => selectRecordsSql({ ...BASE, cursor: { at, direction: "older" } })).toThrow(/invalid cursor/);
  });

  it("bounds the time range", () => {
    expect(selectRecordsSql({ ...BASE, fromMs: 1000.7, toMs: 2000 })).toContain(
      "WHERE ts >= 1000 AND ts <= 2000",
    );
  });

  it("clamps the limit and raises max_matches to it", () => {
    expect(selectRecordsSql({ ...BASE, limit: 0 })).toContain("LIMIT 1 OPTION max_matches=1000");
    expect(selectRecordsSql({ ...BASE, limit: 5000 })).toContain("LIMIT 5000 OPTION max_matches=5000");
    expect(selectRecordsSql({ ...BASE, limit: 1e9 })).toContain("LIMIT 10000 OPTION max_matches=10000");
  });

  it("queries several tables at once", () => {
    expect(selectRecordsSql({ ...BASE, tables: ["app", "billing_api"] })).toContain("FROM app, billing_api ");
  });

  it.each([[[]], [["App"]], [["app; DROP"]], [["1app"]]])("refuses the tables %j", (tables) => {
    expect(() => selectRecordsSql({ ...BASE, tables })).toThrow();
  });

  it("puts the MATCH text and highlight in string literals", () => {
    const { skeleton, literals } = splitSqlLiterals(
      selectRecordsSql({ ...BASE, match: 'error "web 09"', highlight: "error" }),
    );
    expect(skeleton).toContain("WHERE MATCH(?)");
    expect(literals).toContain('error "web 09"');
    expect(literals[0]).toBe("error");
  });

  it("keeps quotes, backslashes and placeholders in values inside their literals", () => {
    const nasty = "it's a \\' ) OR 1=1 -- ? \\";
    const query: SelectRecords = {
      ...BASE,
      match: nasty,
      highlight: nasty,
      filters: [
        { field: "level", values: [nasty], negate: false },
        { field: "user", values: [nasty], negate: true },
      ],
      cursor: { at: { ts: 5, seq: "3", id: "7" }, direction: "older" },
    };
    const { skeleton, literals } = splitSqlLiterals(selectRecordsSql(query));
    const plain = splitSqlLiterals(
      selectRecordsSql({
        ...query,
        match: "x",
        highlight: "x",
        filters: query.filters.map((f) => ({ ...f, values: ["x"] })),
      }),
    );
    expect(skeleton).toBe(plain.skeleton);
    expect(literals.filter((l) => l === nasty)).toHaveLength(4);
  });

  it("keeps arbitrary values inside their literals", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (match, value) => {
        const query = (m: string, v: string): SelectRecords => ({
          ...BASE,
          match: m,
          highlight: m,
          filters: [
            { field: "host", values: [v], negate: false },
            { field: "user", values: [v], negate: false },
          ],
        });
        const got = splitSqlLiterals(selectRecordsSql(query(match, value)));
        const plain = splitSqlLiterals(selectRecordsSql(query("x", "x")));
        expect(got.skeleton).toBe(plain.skeleton);
      }),
    );
  });
});

describe("daily table names", () => {
  it("names a day's table after the index and the UTC date", () => {
    expect(dailyTableName("billing_api", Date.UTC(2026, 10, 21, 23, 59, 59))).toBe("billing_api_20261121");
  });

  it("reads back the index and the UTC day start of any daily table name", () => {
    const indexName = fc.stringMatching(/^[a-z][a-z0-9_]{0,47}$/).filter(isValidIndexName);
    fc.assert(
      fc.property(
        indexName,
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2200, 0, 1) }),
        (index, ms) => {
          const dayStartMs = Math.floor(ms / 86_400_000) * 86_400_000;
          expect(parseDailyTableName(dailyTableName(index, ms))).toEqual({ index, dayStartMs });
        },
      ),
    );
  });

  it.each([["app"], ["alco_health"], ["app_2026112"], ["App_20261121"], ["app-20261121"]])(
    "does not read %j as a daily table",
    (name) => {
      expect(parseDailyTableName(name)).toBeNull();
    },
  );

  it("refuses to name a table for an invalid index", () => {
    expect(() => dailyTableName("App", 0)).toThrow(/invalid index name/);
  });
});

describe("isValidIndexName", () => {
  it.each([["app"], ["billing_api"], ["a1"], ["a".repeat(48)]])("accepts %j", (name) => {
    expect(isValidIndexName(name)).toBe(true);
  });

  it.each([
    ["App"],
    ["billingAPI"],
    ["1app"],
    ["_app"],
    ["alco_health"],
    ["a".repeat(49)],
    [""],
    ["app-1"],
    ["app.x"],
  ])("rejects %j", (name) => {
    expect(isValidIndexName(name)).toBe(false);
  });
});

describe("a message's colour sequences in the engine", () => {
  it("spells each SGR sequence without word characters, so the words beside it stay words", () => {
    const stored = messageToEngine("\u001b[1;31mERROR\u001b[0m disk \u001b[38:5:196mfull\u001b[m");
    expect(stored).toBe(
      "\u001b\u0011\u001c\u0013\u0011\u001eERROR\u001b\u0010\u001e disk \u001b\u0013\u0018\u001d\u0015\u001d\u0011\u0019\u0016\u001efull\u001b\u001e",
    );
    // Only these words are left for the tokenizer (charset_table: digits, letters, `_`).
    expect(stored.split(/[^0-9A-Za-z_]+/).filter(Boolean)).toEqual(["ERROR", "disk", "full"]);
  });

  it("reads back every message as it was sent", () => {
    const sgr = fc
      .array(fc.constantFrom(..."0123456789;:"), { maxLength: 12 })
      .map((p) => `\u001b[${p.join("")}m`);
    // What the collector leaves in a message: no control characters but SGR sequences' ESC, newlines and tabs.
    const text = fc
      .string({ unit: "grapheme" })
      .map((t) => t.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ""));
    fc.assert(
      fc.property(fc.array(fc.oneof(sgr, text)), (parts) => {
        const message = parts.join("");
        expect(messageFromEngine(messageToEngine(message))).toBe(message);
      }),
    );
  });

  it("is what REPLACE writes to the full-text field and to msg", () => {
    const sql = replaceRowsSql("app_20261121", [
      {
        id: "1",
        ts: 1795000000000,
        seq: "0",
        message: "\u001b[31mERROR\u001b[0m",
        fieldsText: ALL_DOCS_TOKEN,
        lvl: 0,
        level: "",
        logger: "",
        host: "",
        json: "{}",
      },
    ]);
    const stored = "'\u001b\u0013\u0011\u001eERROR\u001b\u0010\u001e'";
    expect(sql).toContain(`(1,${stored},'${ALL_DOCS_TOKEN}',${stored},1795000000000,`);
  });
});
