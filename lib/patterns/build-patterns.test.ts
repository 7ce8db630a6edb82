import { describe, expect, it } from "vitest";
import { createRecordGenerator, mulberry32 } from "@/lib/demo/generate-records";
import { buildPatterns, lineFitsPattern, type SampleLine } from "./build-patterns";
import { Drain } from "./drain";
import { maskLine } from "./mask-line";

/** Clusters the lines and answers, per line, the template it ended in (templates change as lines arrive). */
function templatesOf(lines: string[]): string[] {
  const drain = new Drain();
  const clusters = lines.map((l) => drain.add(maskLine(l)));
  return clusters.map((c) => c.tokens.join(" "));
}

/** Lines of several kinds interleaved; each kind must come out as exactly its own template. */
function expectKinds(kinds: [template: string, line: (r: () => number) => string][], n = 400) {
  const rnd = mulberry32(11);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const picked = Array.from({ length: n }, () => int(0, kinds.length - 1));
  const lines = picked.map((k) => kinds[k]![1](rnd));
  const got = templatesOf(lines);
  picked.forEach((k, i) =>
    expect({ line: lines[i], template: got[i] }).toEqual({ line: lines[i], template: kinds[k]![0] }),
  );
}

const num = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, xs: T[]) => xs[Math.floor(r() * xs.length)]!;
const ip = (r: () => number) => `10.${num(r, 0, 255)}.${num(r, 0, 255)}.${num(r, 1, 254)}`;
const blk = (r: () => number) => `blk_${r() < 0.5 ? "-" : ""}${num(r, 1e9, 9e9)}${num(r, 1e8, 9e8)}`;

describe("Drain on corpora in the style of Loghub's samples", () => {
  it("HDFS: each DataNode and NameSystem message is one template", () => {
    expectKinds([
      [
        "PacketResponder <_> for block blk_<_> terminating",
        (r) => `PacketResponder ${num(r, 0, 2)} for block ${blk(r)} terminating`,
      ],
      [
        "Receiving block blk_<_> src: /<_> dest: /<_>",
        (r) => `Receiving block ${blk(r)} src: /${ip(r)}:${num(r, 30000, 60000)} dest: /${ip(r)}:50010`,
      ],
      [
        "Received block blk_<_> of size <_> from /<_>",
        (r) => `Received block ${blk(r)} of size ${num(r, 1e6, 67108864)} from /${ip(r)}`,
      ],
      [
        "BLOCK* NameSystem.addStoredBlock: blockMap updated: <_> is added to blk_<_> size <_>",
        (r) =>
          `BLOCK* NameSystem.addStoredBlock: blockMap updated: ${ip(r)}:50010 is added to ${blk(r)} size ${num(r, 1e6, 67108864)}`,
      ],
      [
        "BLOCK* NameSystem.allocateBlock: <_> blk_<_>",
        (r) =>
          `BLOCK* NameSystem.allocateBlock: /user/root/rand/_temporary/_task_${num(r, 1e5, 9e5)}_m_${num(r, 1e3, 9e3)}/part-${num(r, 1e3, 9e3)}. ${blk(r)}`,
      ],
      ["Verification succeeded for blk_<_>", (r) => `Verification succeeded for ${blk(r)}`],
    ]);
  });

  it("Apache error log: notices and errors with their own templates", () => {
    expectKinds([
      [
        "workerEnv.init() ok <_>",
        (r) => `workerEnv.init() ok /etc/httpd/conf/workers${num(r, 1, 3)}.properties`,
      ],
      [
        "mod_jk child workerEnv in error state <_>",
        (r) => `mod_jk child workerEnv in error state ${num(r, 1, 9)}`,
      ],
      [
        "jk2_init() Found child <_> in scoreboard slot <_>",
        (r) => `jk2_init() Found child ${num(r, 1000, 9999)} in scoreboard slot ${num(r, 1, 12)}`,
      ],
      [
        "[client <_>] Directory index forbidden by rule: <_>",
        (r) =>
          `[client ${ip(r)}] Directory index forbidden by rule: /var/www/${pick(r, ["html", "icons", "manual"])}/`,
      ],
      ["mod_jk child init <_> <_>", (r) => `mod_jk child init ${num(r, 1, 2)} -${num(r, 1, 2)}`],
    ]);
  });

  it("OpenSSH: failed and accepted logins, disconnects and PAM lines", () => {
    const user = (r: () => number) => pick(r, ["root", "admin", "test", "oracle", "fztu", "guest"]);
    expectKinds([
      [
        "Failed password for invalid user <_> from <_> port <_> ssh2",
        (r) => `Failed password for invalid user ${user(r)} from ${ip(r)} port ${num(r, 1024, 65535)} ssh2`,
      ],
      [
        "Failed password for <_> from <_> port <_> ssh2",
        (r) => `Failed password for ${user(r)} from ${ip(r)} port ${num(r, 1024, 65535)} ssh2`,
      ],
      [
        "Accepted password for <_> from <_> port <_> ssh2",
        (r) => `Accepted password for ${user(r)} from ${ip(r)} port ${num(r, 1024, 65535)} ssh2`,
      ],
      [
        "Received disconnect from <_>: <_>: Bye Bye [preauth]",
        (r) => `Received disconnect from ${ip(r)}: 11: Bye Bye [preauth]`,
      ],
      ["Invalid user <_> from <_>", (r) => `Invalid user ${user(r)} from ${ip(r)}`],
      ["Connection closed by <_> [preauth]", (r) => `Connection closed by ${ip(r)} [preauth]`],
      [
        "pam_unix(sshd:auth): authentication failure; logname= uid=<_> euid=<_> tty=ssh ruser= rhost=<_> <_>",
        (r) =>
          `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip(r)}  user=${user(r)}`,
      ],
    ]);
  });

  it("stack traces: one template per exception type and innermost frame, whatever the line numbers", () => {
    const py = (exc: string, fn: string) => (r: () => number) =>
      [
        `request failed for order ${num(r, 1, 99999)}`,
        "Traceback (most recent call last):",
        `  File "/srv/app/views.py", line ${num(r, 10, 900)}, in handle`,
        "    return service.run()",
        `  File "/srv/app/service.py", line ${num(r, 10, 900)}, in ${fn}`,
        "    raise",
        `${exc}: ${pick(r, ["boom", "no such key 'x'"])}`,
      ].join("\n");
    const node = (exc: string, fn: string) => (r: () => number) =>
      `request failed for order ${num(r, 1, 99999)}: ${exc}: bad\n    at ${fn} (/app/x.js:${num(r, 1, 400)}:${num(r, 1, 40)})\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
    const kinds: [string, (r: () => number) => string][] = [
      ["KeyError@lookup", py("KeyError", "lookup")],
      ["KeyError@save", py("KeyError", "save")],
      ["ValueError@lookup", py("ValueError", "lookup")],
      ["TypeError@Order.total", node("TypeError", "Order.total")],
      ["RangeError@Order.total", node("RangeError", "Order.total")],
    ];
    const rnd = mulberry32(5);
    const picked = Array.from({ length: 300 }, () => Math.floor(rnd() * kinds.length));
    const drain = new Drain();
    const clusters = picked.map((k) => drain.add(maskLine(kinds[k]![1](rnd))));
    for (const [i, c] of clusters.entries()) {
      expect(c.tokens.join(" ")).toBe("request failed for order <_>");
      expect(`${c.trace?.type}@${c.trace?.frame}`).toBe(kinds[picked[i]!]![0]);
    }
    expect(drain.clusters).toHaveLength(kinds.length);
  });
});

/** The demo's records as the reader gets them: the message field of each format, its level, its fields. */
function demoLines(n: number, seed = 7): SampleLine[] {
  const gen = createRecordGenerator({ seed, startMs: 0, ratePerSec: 10 });
  return Array.from({ length: n }, () => {
    const b = gen.next().value.body;
    return { message: String(b.message ?? b.msg), level: "info", fields: b };
  });
}

describe("the demo generator's traffic", () => {
  const lines = demoLines(6000);
  const { patterns, sampleSize } = buildPatterns([{ total: lines.length, lines }]);

  /** Message kinds of the generator, by the shape of their text, and the template each must become. */
  const KINDS: [RegExp, string][] = [
    [/^cache hit \S+$/, "cache hit <_>"],
    [/^cache miss /, "cache miss <_> (loaded in <_> ms, ttl <_> s)"],
    [/^order \d+ created for user/, "order <_> created for user <_>: <_> items, total €<_>"],
    [/^login ok for user/, "login ok for user <_> from <_>"],
    [/^user \d+ added product/, 'user <_> added product <_> "<_>" to cart'],
    [/^payment captured/, "payment captured for order <_>: €<_> via card ending <_>"],
    [
      /^payment attempt/,
      "payment attempt <_> of <_> for order <_> failed: gateway timeout after <_> ms; retrying in <_> ms",
    ],
    [/^login failed for user/, 'login failed for user "<_>" from <_>: invalid password'],
    [/^search "/, 'search "<_>" returned <_> results in <_> ms'],
    [/^order confirmation/, "order confirmation <_> sent to <_> ✉️"],
    [/^rejected token/, "rejected token from <_>: jwt expired <_> s ago"],
    [/^checkout for user/, "checkout for user <_> took <_> ms (budget <_> ms) ⚠️"],
    [/^account "/, 'account "<_>" locked after <_> failed logins from <_>'],
    [/^low stock/, 'low stock for product <_> "<_>": <_> left'],
    [/^nightly export/, "nightly export finished: <_> orders written to <_>"],
    [/^price list refreshed/, "price list refreshed: <_> products changed"],
    [/feature flag new-checkout/, "🚀 feature flag new-checkout enabled for <_>% of users"],
    [/^redis connection reset/, "redis connection reset by peer; reconnecting (attempt <_>)"],
    [/^evicted \d+ keys/, "evicted <_> keys under memory pressure (used_memory <_>G of <_>G)"],
    [
      /^slow query \(\d+ ms\): SELECT count/,
      "slow query (<_> ms): SELECT count(*) FROM sessions WHERE expires_at < now()",
    ],
    [
      /^slow query \(\d+ ms\): UPDATE stock/,
      "slow query (<_> ms): UPDATE stock SET qty = qty - $<_> WHERE product_id = $<_> AND qty >= $<_>",
    ],
    [/^(GET|POST|PUT|DELETE) \/api\/\S+ \d+ \d+ms$/, ""],
  ];

  it("gives each of the generator's messages its own template, with every line of it counted", () => {
    for (const [re, template] of KINDS) {
      if (template === "") continue;
      const expected = lines.filter((l) => re.test(l.message)).length;
      expect(expected, String(re)).toBeGreaterThan(0);
      const found = patterns.filter((p) => p.template === template && !p.trace);
      expect({ template, count: found[0]?.count, n: found.length }).toEqual({
        template,
        count: expected,
        n: 1,
      });
    }
  });

  it("groups the access lines by method, every method's lines in one template", () => {
    for (const method of ["GET", "POST", "PUT", "DELETE"]) {
      const expected = lines.filter((l) =>
        new RegExp(`^${method} (?!/healthz)\\S+ \\d+ \\d+ms$`).test(l.message),
      ).length;
      expect(patterns.find((p) => p.template === `${method} <_> <_> <_>ms`)?.count, method).toBe(expected);
    }
  });

  it("splits failures by exception type and frame, and keeps the first line's template", () => {
    const webhook = patterns.filter((p) => p.template === "webhook handler crashed for order <_>");
    expect(webhook.map((p) => `${p.trace?.type}@${p.trace?.frame}`).sort()).toEqual([
      "SyntaxError@JSON.parse",
      "ValueError@handle_event",
    ]);
    const expected = lines.filter((l) => l.message.startsWith("webhook handler crashed")).length;
    expect(webhook.reduce((n, p) => n + p.count, 0)).toBe(expected);
  });

  it("counts every line once, shares summing to one", () => {
    expect(sampleSize).toBe(lines.length);
    expect(patterns.reduce((n, p) => n + p.count, 0)).toBe(lines.length);
    expect(patterns.reduce((n, p) => n + p.share, 0)).toBeCloseTo(1, 9);
    expect(patterns.length).toBeLessThan(70);
  });

  it("finds its lines again by its template", () => {
    for (const p of patterns.slice(0, 10)) {
      const fit = lines.filter((l) => lineFitsPattern(l, p)).length;
      expect(fit, p.template).toBeGreaterThanOrEqual(p.count);
    }
  });
});

describe("buildPatterns", () => {
  const line = (message: string, level = "info"): SampleLine => ({ message, level });

  it("estimates each slice's count from its sample, keeps levels, and sorts by count", () => {
    const { patterns } = buildPatterns([
      {
        total: 100,
        lines: [line("disk full on sda1", "error"), line("user 1 logged in"), line("user 2 logged in")],
      },
      { total: 10, lines: [line("user 3 logged in"), line("user 4 logged in", "warn")] },
    ]);
    expect(patterns.map((p) => [p.template, p.count, p.series, p.estimate])).toEqual([
      ["user <_> logged in", 4, [67, 10], 77],
      ["disk full on sda1", 1, [33, 0], 33],
    ]);
    expect(patterns[0]!.levels).toEqual({ error: 0, warn: 1, info: 3, debug: 0, other: 0 });
    expect(patterns[0]!.query).toBe('"user" "logged in"');
    expect(patterns[1]!.exclude).toBe('-"disk full on sda1"');
  });

  it("puts the templates the previous window did not have first when sorting by new", () => {
    const now = [line("user 1 logged in"), line("user 2 logged in"), line("disk full on sda1")];
    const { patterns } = buildPatterns([{ total: 3, lines: now }], {
      previous: [line("user 9 logged in")],
      sort: "new",
    });
    expect(patterns.map((p) => [p.template, p.isNew])).toEqual([
      ["disk full on sda1", true],
      ["user <_> logged in", false],
    ]);
  });

  it("gives the same id to the same template across answers", () => {
    const a = buildPatterns([{ total: 2, lines: [line("x 1 y"), line("x 2 y")] }]).patterns[0]!;
    const b = buildPatterns([{ total: 1, lines: [line("x 3 y")] }]).patterns[0]!;
    expect(a.id).toBe(b.id);
  });
});
