/**
 * Hostile and random input against every GET route of the API on the real engine: every parameter of each (query,
 * filters, time range, cursors, limits, context positions, histogram and export options, live-tail and /stream
 * patterns) and the names in their paths (index names, including traversal-ish ones and other indexes' names; host
 * names; ids). Every answer is a 2xx, or a 4xx in the one error shape with a message; never a 500, never the
 * engine's own error text. A viewer allowed only index A gets nothing of index B by any parameter: B's records,
 * hosts, saved searches and name never appear in what they get back unless they sent it themselves.
 */
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as adminIndexGET } from "@/app/api/admin/indexes/[name]/route";
import { GET as adminColumnsGET } from "@/app/api/admin/indexes/[name]/columns/route";
import { GET as adminDeadLettersGET } from "@/app/api/admin/indexes/[name]/dead-letters/route";
import { GET as adminIndexesGET } from "@/app/api/admin/indexes/route";
import { GET as adminTokensGET } from "@/app/api/admin/tokens/route";
import { GET as adminUsersGET } from "@/app/api/admin/users/route";
import { GET as meGET } from "@/app/api/auth/me/route";
import { GET as contextGET } from "@/app/api/grep/[logger]/context/route";
import { GET as exportGET } from "@/app/api/grep/[logger]/export/route";
import { GET as facetsGET } from "@/app/api/grep/[logger]/facets/route";
import { GET as histogramGET } from "@/app/api/grep/[logger]/histogram/route";
import { GET as liveGET } from "@/app/api/grep/[logger]/live/route";
import { GET } from "@/app/api/grep/[logger]/route";
import { GET as hostFilesGET } from "@/app/api/hosts/[host]/files/route";
import { GET as hostLogsGET } from "@/app/api/hosts/[host]/logs/route";
import { GET as hostGET } from "@/app/api/hosts/[host]/route";
import { GET as hostsGET } from "@/app/api/hosts/route";
import { cursorOf, decodeCursor } from "@/lib/query/cursor";
import { searchRecords } from "@/lib/query/search-records";
import { searchEngine } from "@/lib/services";
import { GET as indexesGET } from "@/app/api/indexes/route";
import { GET as savedSearchesGET } from "@/app/api/saved-searches/route";
import { GET as streamGET } from "@/app/stream/route";
import { Collector } from "@/lib/collector/collector";
import { closeLiveHub } from "@/lib/live/live-hub";
import type { GrepResult } from "@/lib/query/wire";
import { createSavedSearch } from "@/lib/saved-searches/saved-searches";
import type { LoggerIndex } from "@/db/schema";
import {
  apiRequest,
  callRoute,
  collectorEnv,
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  withReadToken,
  type As,
  type RouteHandler,
} from "./helpers";

async function call(index: string, params: [string, string][]) {
  const url = new URL(`http://alco.test/api/grep/${encodeURIComponent(index)}`);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const res = await GET(new Request(url, await withReadToken()), {
    params: Promise.resolve({ logger: index }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

const OPERATORS = [
  '"',
  "-",
  "*",
  ":",
  "\\",
  "(",
  ")",
  "|",
  "!",
  "@",
  "~",
  "&",
  "/",
  "^",
  "$",
  "=",
  "<",
  ">",
  "'",
  "?",
  "[",
  "]",
  "{",
  "}",
  ";",
  "%",
  ",",
  ".",
  "#",
  "+",
];
const WORDS = [
  "error",
  "web-01",
  "status=500",
  "user",
  "host",
  "level",
  "n",
  "café",
  "日本",
  "😀",
  "10.1.2.3",
  "SELECT",
  "MATCH",
  "OPTION",
  "id",
  "ts",
  "js",
  "@fields",
  "alcoalldocs",
  "NEAR/3",
  "MAYBE",
  "SENTENCE",
];

/** The language's own syntax, so that random queries reach the parser's structure and the compiler's trees. */
const SYNTAX = [
  " OR ",
  " AND ",
  "NOT ",
  " | ",
  "(",
  ")",
  "-(",
  "n:",
  "host:",
  "level:",
  "n:>",
  "n:>=",
  "n:<",
  "n:<=",
  "n:[",
  " TO ",
  "]",
  "n:*",
  "-n:*",
  "host:*",
  "n:(",
  "level:>=warn",
  "level:<",
  "n:=",
  "5",
  "1.5s",
  "10kb",
  "took_ms:>2s",
  "size_bytes:<1mb",
];

const queryText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...OPERATORS), fc.constantFrom(...WORDS), fc.constant(" ")), {
      maxLength: 25,
    })
    .map((a) => a.join("")),
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...SYNTAX) },
        { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
        { weight: 1, arbitrary: fc.constantFrom(...OPERATORS) },
        { weight: 2, arbitrary: fc.constant(" ") },
      ),
      { maxLength: 20 },
    )
    .map((a) => a.join("")),
);

/** Full-text trees and field-condition trees, each well-formed; AND'd, they are a query the engine must take. */
const structured = fc.letrec<{ text: string; field: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...WORDS, '"with error"', "lin*", "*ith*", '"a|b"'),
    fc
      .tuple(tie("text"), fc.constantFrom(" OR ", " | ", " ", " AND "), tie("text"))
      .map(([a, op, b]) => `(${a}${op}${b})`),
    tie("text").map((a) => `-(${a})`),
    tie("text").map((a) => `NOT ${a}`),
  ),
  field: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(
      "n:5",
      "n:>5",
      "n:>=1.5",
      "n:<-3",
      "n:<=21",
      "n:[2 TO 9]",
      "n:[* TO 3]",
      "n:*",
      "-n:*",
      "host:web-01",
      "host:*",
      "host:(web-00 OR web-02)",
      "level:>=warn",
      "level:[trace TO error]",
      "took_ms:>2s",
      "size_bytes:<1mb",
      "n:(1 OR >20)",
      "user:=bob",
    ),
    fc
      .tuple(tie("field"), fc.constantFrom(" OR ", " | ", " ", " AND "), tie("field"))
      .map(([a, op, b]) => `(${a}${op}${b})`),
    tie("field").map((a) => `-(${a})`),
  ),
}));

/** Well-formed structured queries: each must be answered 200 (the engine must take what the compiler wrote). */
const structuredQuery = fc
  .tuple(structured.text, fc.option(structured.field, { nil: undefined }))
  .map(([t, f]) => (f ? `${t} ${f}` : t));

const paramValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "now",
    "now-15m",
    "-1d",
    "0",
    "-1",
    "99999999999999999999",
    "1e9",
    "2026-13-45",
    "NaN",
    "1000",
    "1001",
    "_",
    "1_1",
    "9999999999999999_18446744073709551615",
  ),
);

/** Text the engine says about a statement it refused; none of it may reach a client. */
const ENGINE_TEXT =
  /sphinxql|sphinx expr|syntax error|near '|query error|ER_|errno|sqlMessage|SELECT .* FROM/i;

/**
 * An error message without what it quotes back of the request (`no host named "er_ "`): the client's own words
 * may spell anything, ENGINE_TEXT included. The engine's words are never in double quotes.
 */
function ownWords(message: string | undefined): string {
  return (message ?? "").replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

function assertClean(status: number, body: { error?: { code: string; message: string } }) {
  expect([200, 400]).toContain(status);
  if (status === 400) {
    expect(body.error?.code).toBe("bad_request");
    expect(body.error?.message).toBeTruthy();
    expect(body.error?.message).not.toMatch(/sphinxql|sphinx expr|syntax error|near '|query error/i);
    // The engine refusing what the compiler produced would be a compiler bug, even though the client gets a 400.
    expect(body.error?.message).not.toContain("could not run this query");
  }
}

describe("query API under random and hostile input", () => {
  let index: LoggerIndex;
  let collector: Collector;

  beforeAll(async () => {
    index = await createTestIndex();
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    await publish(
      WORDS.map((w, i) => ({
        routingKey: `app.${index.name}`,
        body: { message: `line ${i} with ${w} (and [brackets]) "quotes" a|b`, host: `web-0${i % 3}`, n: i },
      })),
    );
    await waitFor("seed records", async () => (await engineCount(index.name)) === WORDS.length);
  });

  afterAll(async () => {
    await collector.stop();
    await dropTestIndex(index);
  });

  it("answers any q with results or a 400 that explains", async () => {
    await fc.assert(
      fc.asyncProperty(queryText, async (q) => {
        const { status, body } = await call(index.name, [["q", q]]);
        assertClean(status, body);
      }),
      { numRuns: 400 },
    );
  });

  it("answers any combination of parameters with results or a 400 that explains", async () => {
    const names = fc.constantFrom("q", "from", "to", "limit", "before", "after", "filter", "unknown");
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            names,
            fc.oneof(
              paramValue,
              queryText.map((q) => `host:${q}`),
              queryText,
            ),
          ),
          { maxLength: 6 },
        ),
        async (params) => {
          const { status, body } = await call(index.name, params);
          assertClean(status, body);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never reaches another index through the logger segment", async () => {
    for (const name of [
      `${index.name}, other`,
      `${index.name};SHOW TABLES`,
      "alco_health",
      `${index.name}_20261121`,
      "../etc",
      index.name.toUpperCase(),
    ]) {
      const { status, body } = await call(name, []);
      expect(status).toBe(404);
      expect(body.error?.code).toBe("not_found");
    }
  });

  it("answers every well-formed structured query with results", async () => {
    await fc.assert(
      fc.asyncProperty(structuredQuery, async (q) => {
        const { status, body } = await call(index.name, [["q", q]]);
        expect(status, `${q}: ${JSON.stringify(body)}`).toBe(200);
      }),
      { numRuns: 300 },
    );
  });

  it("counts what OR, NOT, comparisons, ranges and presence find", async () => {
    const total = async (q: string) => {
      const res = await call(index.name, [["q", q]]);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return (res.body as unknown as { total: number }).total;
    };
    const n = WORDS.length;
    expect(await total("n:>=20")).toBe(n - 20);
    expect(await total("n:[3 TO 5]")).toBe(3);
    expect(await total("n:(1 OR 2 OR >20)")).toBe(2 + (n - 21));
    expect(await total("(error OR café)")).toBe(2);
    expect(await total("(error OR café) n:<5")).toBe(1);
    expect(await total("NOT (error OR café)")).toBe(n - 2);
    expect(await total("n:* -n:>1")).toBe(2);
    expect(await total("-n:*")).toBe(0);
    expect(await total("(host:web-00 OR host:web-01)")).toBe(WORDS.filter((_, i) => i % 3 !== 2).length);
    expect(await total("(line -error) | café")).toBe(n - 1);
  });

  it("answers a query it cannot ask, or a malformed one, with a 400 naming the place", async () => {
    const message = async (q: string) => {
      const res = await call(index.name, [["q", q]]);
      expect(res.status, q).toBe(400);
      return res.body.error?.message ?? "";
    };
    expect(await message("line OR n:1")).toMatch(
      /^query: the OR group starting at character 1 combines words/,
    );
    expect(await message("line (error")).toBe(
      'query: unbalanced parenthesis: the "(" at character 6 is not closed',
    );
    expect(await message("host:>3")).toMatch(/at character 1: host holds text/);
    expect(await message("n:>3parsecs")).toMatch(/at character 4: expected a number/);
  });

  it("finds regular expressions over the message and over fields, and refuses what RE2 has not", async () => {
    const grep = async (q: string) => {
      const res = await call(index.name, [["q", q]]);
      expect(res.status, `${q}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body as unknown as GrepResult;
    };
    const n = WORDS.length;
    const all = await grep("/line \\d+ with/");
    expect(all.records).toHaveLength(n);
    expect(all.scanned).toBe(n);
    expect(all.truncated).toBe(false);
    expect((await grep("/with (error|café) /")).total).toBe(2);
    expect((await grep("/LINE 1\\d /i")).total).toBe(10);
    expect((await grep("/LINE/")).total).toBe(0);
    expect((await grep("-/with error/")).total).toBe(n - 1);
    expect((await grep("/a\\|b$/ n:>=20")).total).toBe(2);
    expect((await grep("n:/^1/")).total).toBe(11);
    expect((await grep("host:/0[12]$/")).total).toBe(WORDS.filter((_, i) => i % 3 !== 0).length);
    // Words every match holds narrow the engine's rows; a pattern without any reads every row of the range.
    expect((await grep("/\\[brackets\\]/")).scanned).toBe(n);
    expect((await grep("/with café/")).scanned).toBe(1);
    for (const [q, why] of [
      ["/(a)\\1/", /at character 1: backreferences/],
      ["x /(?=a)/", /at character 3: lookahead and lookbehind/],
      ["/a(b/", /at character 1: missing closing \)/],
      [`/${"a".repeat(600)}/`, /longer than 512 characters/],
      ["(/line/ OR café)", /the regular expression at character 2 stands inside OR/],
    ] as const) {
      const res = await call(index.name, [["q", q]]);
      expect(res.status, q).toBe(400);
      expect(res.body.error?.message, q).toMatch(why);
    }
  });

  it("reads a regular expression's candidates within a scan budget, and resumes where it stopped", async () => {
    const params = {
      q: "/line/",
      filter: [],
      limit: 50,
      from: undefined,
      to: undefined,
      before: undefined,
      after: undefined,
    };
    const first = await searchRecords(searchEngine(), index.name, params, { batch: 3, budget: 5 });
    expect(first.records).toHaveLength(5);
    expect(first).toMatchObject({ scanned: 5, truncated: true, totalComplete: false });
    const before = decodeCursor(first.cursors.older!)!;
    const second = await searchRecords(
      searchEngine(),
      index.name,
      { ...params, before },
      { batch: 3, budget: 5 },
    );
    expect(second.records).toHaveLength(5);
    const ids = [...first.records, ...second.records].map((r) => r.id);
    expect(new Set(ids).size).toBe(10);
    const whole = await searchRecords(searchEngine(), index.name, { ...params, limit: 10 });
    expect(ids).toEqual(whole.records.map((r) => r.id));
  });

  it("finds text containing operator characters literally", async () => {
    const url = (q: string) => call(index.name, [["q", q]]);
    expect((await url('"a|b"')).status).toBe(200);
    const res = await call(index.name, [["q", "status=500"]]);
    expect(res.status).toBe(200);
    expect((res.body as unknown as { total: number }).total).toBe(1);
  });
});

/** The API's closed table of error codes (lib/api/errors.ts) that a client may see for a GET. */
const CLIENT_ERRORS: Record<string, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
};

type Route = {
  name: string;
  handler: RouteHandler;
  /** The path segment's parameter name (`logger`, `host`, `name`), if the route has one. */
  segment?: string;
  path: (seg: string) => string;
  /** The route's own query parameters; others are sent too, to be ignored or refused. */
  params: string[];
  /** Answers that are streams: only their start is read. */
  stream?: boolean;
  as: "viewer" | "admin";
  runs: number;
};

type Answer = { status: number; text: string; contentType: string };

describe("every GET route under random and hostile input", () => {
  let a: LoggerIndex;
  let b: LoggerIndex;
  let collector: Collector;
  let viewer: As;
  let admin: As;
  /** Only index B holds these: its records, its host name, its saved search. */
  const secret = `classified${randomBytes(6).toString("hex")}`;
  const hiddenHost = `bhost-${randomBytes(6).toString("hex")}`;
  /** Positions of real records: A's first, then B's. */
  const cursors: string[] = [];
  let aCursors: string[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestIndex(), createTestIndex()]);
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    const now = Date.now();
    await publish([
      ...WORDS.map((w, i) => ({
        routingKey: `app.${a.name}`,
        body: {
          message: `line ${i} with ${w} "quotes" a|b`,
          host: `web-0${i % 3}`,
          logger: i % 2 ? "shop.api" : "shop.worker",
          file: `/var/log/app${i % 2}.log`,
          n: i,
          timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
        },
      })),
      ...WORDS.map((w, i) => ({
        routingKey: `app.${b.name}`,
        body: {
          message: `${secret} line ${i} with ${w}`,
          host: hiddenHost,
          logger: "shop.api",
          file: `/var/log/${secret}.log`,
          note: secret,
          n: i,
          timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
        },
      })),
    ]);
    await waitFor(
      "seed records",
      async () =>
        (await engineCount(a.name)) === WORDS.length && (await engineCount(b.name)) === WORDS.length,
    );
    await createSavedSearch(db(), { indexName: a.name, name: "errors of a", url: `/grep/${a.name}?q=error` });
    await createSavedSearch(db(), {
      indexName: b.name,
      name: `${secret} search`,
      url: `/grep/${b.name}?q=x`,
    });
    viewer = { cookie: (await createTestUser("viewer", [a.name])).cookie };
    admin = { cookie: (await createTestUser("admin")).cookie };
    // Real positions in both indexes, for the cursor and context parameters.
    for (const name of [a.name, b.name]) {
      const res = await callRoute<GrepResult>(GET, `/api/grep/${name}?limit=5`, {
        params: { logger: name },
        as: admin,
      });
      cursors.push(...res.body.records.map((r) => cursorOf(r)));
      if (name === a.name) aCursors = [...cursors];
    }
  });

  afterAll(async () => {
    await collector.stop();
    await closeLiveHub();
    await dropTestIndex(a);
    await dropTestIndex(b);
  });

  const indexNames = () =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(a.name) },
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          b.name,
          `${a.name}/../${b.name}`,
          `../${b.name}`,
          "..",
          ".",
          "../../etc/passwd",
          `${a.name}%2F..%2F${b.name}`,
          `${a.name}\u0000`,
          `${a.name} `,
          a.name.toUpperCase(),
          `${a.name},${b.name}`,
          `${a.name};SHOW TABLES`,
          `${a.name}' OR '1'='1`,
          `${b.name}_${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`,
          "alco_health",
          "*",
          "%",
          "x".repeat(300),
        ),
      },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
    );

  const hostNames = () =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("web-01", "web-02") },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          ...[hiddenHost, `${hiddenHost}/files`, `web-01/../${hiddenHost}`, "../../etc/passwd", "..", "*"],
          ...["web\u0000", "x".repeat(300), "' OR 1=1 --", "%", "\\"],
        ),
      },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
    );

  const fieldNames = fc.constantFrom(
    "host",
    "level",
    "logger",
    "n",
    "file",
    "note",
    "id",
    "ts",
    "js",
    "msg",
    "message",
    "__proto__",
    "constructor",
    "@fields",
    "a.b",
    "x'y",
    "-host",
    "",
  );

  /** Values for any parameter: each route gets every kind, its own and the others'. */
  const values = () =>
    fc.oneof(
      queryText,
      paramValue,
      fc.constantFrom(...cursors, "0_0", "1_1", "-1_1", "1_18446744073709551616", "9007199254740993_1"),
      fc
        .tuple(fieldNames, fc.oneof(queryText, fc.constantFrom(hiddenHost, "web-01", "*", "")))
        .map(([f, v]) => `${f}:${v}`),
      fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String),
      fc.constantFrom("1e400", "-0", "0x10", " 5 ", "5.5", "500", "501", "200", "201", "1000000"),
      fc.constantFrom("ndjson", "text", "csv", "NDJSON", "json"),
      fc.constantFrom(
        ".*",
        "(a+)+$",
        "(a|aa)*",
        "[",
        "(?=x)",
        "\\1",
        "a{99999}",
        "^t_",
        b.name,
        "(?<n>x)\\k<n>",
      ),
      fc.constantFrom("x".repeat(5000), "%".repeat(100), "\u0000\u0001", "\ud800", "../".repeat(20)),
      indexNames(),
      hostNames(),
    );

  const STRANGE_NAMES = ["unknown", "__proto__", "constructor", "toString", "hasOwnProperty", ""];

  /**
   * Values a parameter of that name is meant to take, so that requests reach the engine; when `hostile`, mixed
   * with every other kind.
   */
  const valueFor = (name: string, hostile: boolean): fc.Arbitrary<string> => {
    const times = fc.oneof(
      fc.constantFrom("now", "now-1h", "now-15m", "now-7d", "now+1h", "0", "-1d"),
      fc.integer({ min: -1, max: Date.now() + 86_400_000 }).map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    const counts = fc.oneof(
      fc.integer({ min: -2, max: 1002 }).map(String),
      fc.constantFrom("1", "50", "500"),
    );
    const own: Record<string, fc.Arbitrary<string>> = {
      q: queryText,
      from: times,
      to: times,
      filter: fc
        .tuple(
          fc.constantFrom("host", "level", "logger", "n", "file", "-host", "-level", "note", "__proto__"),
          fc.constantFrom(
            "web-01",
            "web-02",
            "info",
            "",
            "shop.api",
            "3",
            "/var/log/app1.log",
            hiddenHost,
            "*",
          ),
        )
        .map(([f, v]) => `${f}:${v}`),
      limit: counts,
      count: counts,
      buckets: counts,
      before: fc.oneof(fc.constantFrom(...cursors), counts),
      after: fc.oneof(fc.constantFrom(...cursors), counts),
      at: fc.constantFrom(...cursors),
      "Last-Event-ID": fc.constantFrom(...cursors),
      format: fc.constantFrom("ndjson", "text"),
      file: fc.constantFrom("/var/log/app0.log", "/var/log/app1.log", "shop.api", "../../../etc/passwd"),
      index: indexNames(),
      app: fc.constantFrom(a.name, `^${a.name}$`, ".", "^t_", "x|y"),
      proc: fc.constantFrom("shop", "api$", ".*", "(a+)+"),
      host: fc.constantFrom("web-0", "^web-01$", "[0-9]", hiddenHost),
    };
    // Not own[name]: the strange names include `constructor` and `toString`, which every object has.
    const mine = Object.hasOwn(own, name) ? own[name] : undefined;
    if (!mine) return values();
    return hostile ? fc.oneof({ weight: 2, arbitrary: mine }, { weight: 1, arbitrary: values() }) : mine;
  };

  const routes = (): Route[] => {
    const grep = (suffix: string) => (seg: string) => `/api/grep/${encodeURIComponent(seg)}${suffix}`;
    const hosts = (suffix: string) => (seg: string) => `/api/hosts/${encodeURIComponent(seg)}${suffix}`;
    const adminIndex = (suffix: string) => (seg: string) =>
      `/api/admin/indexes/${encodeURIComponent(seg)}${suffix}`;
    const scope = ["q", "from", "to", "filter"];
    return [
      {
        name: "grep",
        handler: GET,
        segment: "logger",
        path: grep(""),
        params: [...scope, "limit", "before", "after"],
        as: "viewer",
        runs: 200,
      },
      {
        name: "histogram",
        handler: histogramGET,
        segment: "logger",
        path: grep("/histogram"),
        params: [...scope, "buckets"],
        as: "viewer",
        runs: 150,
      },
      {
        name: "facets",
        handler: facetsGET,
        segment: "logger",
        path: grep("/facets"),
        params: scope,
        as: "viewer",
        runs: 120,
      },
      {
        name: "context",
        handler: contextGET,
        segment: "logger",
        path: grep("/context"),
        params: ["at", "before", "after", "filter"],
        as: "viewer",
        runs: 150,
      },
      {
        name: "export",
        handler: exportGET,
        segment: "logger",
        path: grep("/export"),
        params: [...scope, "format"],
        as: "viewer",
        runs: 100,
      },
      {
        name: "live",
        handler: liveGET,
        segment: "logger",
        path: grep("/live"),
        params: ["q", "filter", "after", "Last-Event-ID"],
        stream: true,
        as: "viewer",
        runs: 25,
      },
      {
        name: "stream",
        handler: streamGET,
        path: () => "/stream",
        params: ["app", "app", "proc", "host", "level", "note", "file", "n"],
        stream: true,
        as: "viewer",
        runs: 25,
      },
      { name: "hosts", handler: hostsGET, path: () => "/api/hosts", params: [], as: "viewer", runs: 20 },
      {
        name: "host",
        handler: hostGET,
        segment: "host",
        path: hosts(""),
        params: ["from", "to"],
        as: "viewer",
        runs: 80,
      },
      {
        name: "host files",
        handler: hostFilesGET,
        segment: "host",
        path: hosts("/files"),
        params: ["from", "to"],
        as: "viewer",
        runs: 80,
      },
      {
        name: "host logs",
        handler: hostLogsGET,
        segment: "host",
        path: hosts("/logs"),
        params: ["filter", "count", "file", "from", "to"],
        as: "viewer",
        runs: 120,
      },
      {
        name: "indexes",
        handler: indexesGET,
        path: () => "/api/indexes",
        params: [],
        as: "viewer",
        runs: 10,
      },
      { name: "me", handler: meGET, path: () => "/api/auth/me", params: [], as: "viewer", runs: 10 },
      {
        name: "saved searches",
        handler: savedSearchesGET,
        path: () => "/api/saved-searches",
        params: ["index"],
        as: "viewer",
        runs: 60,
      },
      {
        name: "admin indexes",
        handler: adminIndexesGET,
        path: () => "/api/admin/indexes",
        params: [],
        as: "admin",
        runs: 10,
      },
      {
        name: "admin index",
        handler: adminIndexGET,
        segment: "name",
        path: adminIndex(""),
        params: [],
        as: "admin",
        runs: 40,
      },
      {
        name: "admin columns",
        handler: adminColumnsGET,
        segment: "name",
        path: adminIndex("/columns"),
        params: [],
        as: "admin",
        runs: 40,
      },
      {
        name: "admin dead letters",
        handler: adminDeadLettersGET,
        segment: "name",
        path: adminIndex("/dead-letters"),
        params: ["limit"],
        as: "admin",
        runs: 40,
      },
      {
        name: "admin users",
        handler: adminUsersGET,
        path: () => "/api/admin/users",
        params: [],
        as: "admin",
        runs: 5,
      },
      {
        name: "admin tokens",
        handler: adminTokensGET,
        path: () => "/api/admin/tokens",
        params: [],
        as: "admin",
        runs: 5,
      },
    ];
  };

  /** Reads a stream's start: until it says it is following (or for a second), then goes away as a client does. */
  async function readStart(res: Response, abort: AbortController): Promise<string> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + 1000;
    try {
      while (Date.now() < deadline && !/event: ready|following /.test(text)) {
        const next = await Promise.race([
          reader.read(),
          new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now())),
        ]);
        if (!next || next.done) break;
        text += decoder.decode(next.value, { stream: true });
      }
    } finally {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
    return text;
  }

  async function answer(route: Route, seg: string, params: [string, string][]): Promise<Answer> {
    const url = new URL(route.path(seg), "http://alco.test");
    const headers = new Headers(
      (await apiRequest(url.pathname, { as: route.as === "admin" ? admin : viewer })).headers,
    );
    for (const [k, v] of params) {
      // A header carries only visible ASCII; the rest of the value would be refused before it was sent.
      if (k === "Last-Event-ID") headers.set("last-event-id", v.replace(/[^\x20-\x7e]/g, ""));
      else url.searchParams.append(k, v);
    }
    const abort = new AbortController();
    const res = await route.handler(new Request(url, { headers, signal: abort.signal }), {
      params: Promise.resolve((route.segment ? { [route.segment]: seg } : {}) as never),
    });
    const contentType = res.headers.get("content-type") ?? "";
    const text = route.stream && res.ok ? await readStart(res, abort) : await res.text();
    return { status: res.status, text, contentType };
  }

  /** What the B-only values may not be part of: anything the client did not send itself. */
  function assertAnswer(route: Route, sent: string, { status, text, contentType }: Answer) {
    const where = `${route.name} ${sent} -> ${status} ${text.slice(0, 300)}`;
    expect(status, where).toBeGreaterThanOrEqual(200);
    expect(status, where).toBeLessThan(500);
    expect(status >= 300 && status < 400, where).toBe(false);
    if (status >= 400) {
      expect(contentType, where).toContain("application/json");
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
      expect(Object.keys(body), where).toEqual(["error"]);
      expect(CLIENT_ERRORS[body.error?.code ?? ""], where).toBe(status);
      expect(body.error?.message, where).toBeTruthy();
      expect(ownWords(body.error?.message), where).not.toMatch(ENGINE_TEXT);
      expect(body.error?.message, where).not.toContain("could not run this query");
    }
    if (route.as === "viewer") {
      for (const hidden of [secret, hiddenHost, b.name])
        if (!sent.includes(hidden))
          expect(text, `${where}\nshows ${hidden} of index B`).not.toContain(hidden);
      if (status < 300 && contentType.includes("application/json")) onlyIndexA(JSON.parse(text), where);
    }
  }

  /** Every index a JSON answer names is A. */
  function onlyIndexA(v: unknown, where: string): void {
    if (Array.isArray(v)) for (const x of v) onlyIndexA(x, where);
    else if (v && typeof v === "object")
      for (const [k, x] of Object.entries(v)) {
        if ((k === "index" || k === "indexName") && typeof x === "string") expect(x, where).toBe(a.name);
        else onlyIndexA(x, where);
      }
  }

  it("answers every GET route, whatever its parameters and path, with a 2xx or a 4xx that explains", async () => {
    const seen: Record<string, Record<number, number>> = {};
    for (const route of routes()) {
      const own = route.params.length ? fc.constantFrom(...route.params) : fc.constant("q");
      const strange = fc.constantFrom(...STRANGE_NAMES, "q", "filter", "limit", "at", "format");
      const param = (hostile: boolean) =>
        (hostile ? fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: strange }) : own).chain(
          (n) => valueFor(n, hostile).map((v): [string, string] => [n, v]),
        );
      // Half the runs are requests a client could mean (the context needs its position), half anything at all.
      const required: [string, string][] = route.name === "context" ? [["at", aCursors[0]!]] : [];
      const params = fc.oneof(
        fc
          .array(param(false), { maxLength: route.params.length ? 3 : 0 })
          .map((p) => [...required, ...p.filter(([n]) => !required.some(([r]) => r === n))]),
        fc.array(param(true), { maxLength: 5 }),
      );
      const segs = route.segment === "host" ? hostNames() : route.segment ? indexNames() : fc.constant("");
      await fc.assert(
        fc.asyncProperty(segs, params, async (seg, params) => {
          const sent = `${seg} ${JSON.stringify(params)}`;
          const got = await answer(route, seg, params);
          const counts = (seen[route.name] ??= {});
          counts[got.status] = (counts[got.status] ?? 0) + 1;
          assertAnswer(route, sent, got);
        }),
        { numRuns: route.runs },
      );
    }
    // What the runs got back, per route: a check that the property reached the engine, not only the validators.
    console.log(`[fuzz] answers by status per route: ${JSON.stringify(seen)}`);
  });

  it("gives a viewer of index A nothing of index B by any route", async () => {
    const byName = new Map(routes().map((r) => [r.name, r]));
    // An index the viewer may not read answers as one that does not exist.
    const expectations: [string, string, [string, string][], number][] = [
      ["grep", b.name, [], 404],
      ["histogram", b.name, [], 404],
      ["facets", b.name, [], 404],
      ["context", b.name, [["at", cursors[cursors.length - 1]!]], 404],
      ["export", b.name, [], 404],
      ["live", b.name, [], 404],
      // B's positions read as A's find nothing: the tables are per index.
      ["context", a.name, [["at", cursors[cursors.length - 1]!]], 404],
      ["grep", a.name, [["filter", `host:${hiddenHost}`]], 200],
      ["host", hiddenHost, [], 404],
      ["host files", hiddenHost, [], 404],
      ["host logs", hiddenHost, [], 404],
      // A's host, asked for B's file: nothing (B's lines of it never count).
      ["host logs", "web-01", [["file", `/var/log/${secret}.log`]], 200],
      ["saved searches", "", [["index", b.name]], 404],
      ["stream", "", [["app", b.name]], 404],
    ];
    for (const [name, seg, params, status] of expectations) {
      const route = byName.get(name)!;
      const got = await answer(route, seg, params);
      expect(got.status, `${name} ${seg} ${JSON.stringify(params)}: ${got.text}`).toBe(status);
      assertAnswer(route, `${seg} ${JSON.stringify(params)}`, got);
    }
    // What A's viewer does get: A's records, hosts, saved searches and nothing else.
    const lists = await Promise.all(
      (["hosts", "indexes", "saved searches", "stream"] as const).map((n) => answer(byName.get(n)!, "", [])),
    );
    for (const got of lists) expect(got.status).toBe(200);
    expect(lists[0]!.text).toContain("web-01");
    expect(lists[1]!.text).toContain(a.name);
    expect(lists[2]!.text).toContain("errors of a");
    expect(lists[3]!.text).toContain(`following ${a.name}`);
  });
});
