/**
 * The `alco` CLI end to end: the production build of the web app (`npm start`) on the isolated stack, records
 * published through RabbitMQ and a real collector, and the CLI run as a child process the way a person runs it,
 * asserting on what it prints and how it exits. `alco tail` is also run against a small SSE server here that
 * drops the connection mid-stream, to prove the CLI resumes from the last event id and prints every record once.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector } from "@/lib/collector/collector";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { collectCli, runCli, startCli } from "./cli-process";
import { buildWorkers } from "./collector-command";
import { ensureWebBuild, startWeb, type Web } from "./web-process";
import type { LogRecord } from "@/lib/query/wire";
import { cursorOf } from "@/lib/query/cursor";
import type { LoggerIndex } from "@/db/schema";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  publish,
  uniqueName,
  waitFor,
} from "./helpers";

const root = path.resolve(import.meta.dirname, "..");

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

/** `2026-11-21 13:45:01.123` for a time in UTC, as the CLI prints it with TZ=UTC. */
const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

describe("alco CLI against the web app", () => {
  const env = collectorEnv();
  let web: Web | null = null;
  const webLog = () => (web?.lines ?? []).map((l) => l.text).join("\n");
  let collector: Collector;
  let logs: LoggerIndex;
  let bulk: LoggerIndex;
  let baseUrl = "";
  let token = "";
  const suffix = uniqueName("c").slice(2);
  const HOST = `cli-web-${suffix}`;
  const BULK = 2500;
  /** Six lines a minute apart, ending ten minutes ago; one more two hours ago. */
  const T = Date.now() - 15 * 60_000;
  const OLD_TS = Date.now() - 2 * 3_600_000;
  const seeds = Array.from({ length: 6 }, (_, i) => ({
    ts: T + i * 60_000,
    level: i === 4 ? "error" : "info",
    logger: i % 2 === 0 ? "shop.views" : "shop.jobs",
    message: i === 4 ? "payment failed for order 4" : `order ${i} done`,
    file: i % 2 === 0 ? "/var/log/shop.log" : undefined,
  }));
  const cli = (args: string[], extra: Record<string, string | undefined> = {}) =>
    runCli(args, { ALCO_URL: baseUrl, ALCO_TOKEN: token, ...extra });

  beforeAll(async () => {
    await ensureWebBuild();
    buildWorkers();
    // Started now, awaited once the data is in: the server boots while the collector stores it.
    const webStarting = startWeb({}).then((w) => (web = w));

    logs = await createTestIndex();
    bulk = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    await publish([
      ...seeds.map((s, i) => ({
        routingKey: `app.${logs.name}`,
        body: {
          timestamp: new Date(s.ts).toISOString(),
          message: s.message,
          level: s.level,
          host: HOST,
          logger: s.logger,
          ...(s.file ? { file: s.file } : {}),
        },
        options: { messageId: `cli-${suffix}-${i}` },
      })),
      {
        routingKey: `app.${logs.name}`,
        body: {
          timestamp: new Date(OLD_TS).toISOString(),
          message: "order 0 long ago",
          host: HOST,
          logger: "old",
        },
        options: { messageId: `cli-${suffix}-old` },
      },
      ...Array.from({ length: BULK }, (_, i) => ({
        routingKey: `app.${bulk.name}`,
        body: { time: T + i, message: `bulk ${i}`, level: "info", host: `batch-${suffix}` },
        options: { messageId: `cli-${suffix}-bulk-${i}` },
      })),
    ]);
    await waitFor("records stored", async () => (await engineCount(logs.name)) === 7);
    await waitFor("bulk stored", async () => (await engineCount(bulk.name)) === BULK);
    token = (await createTestToken("read")).token;
    await webStarting;
    baseUrl = web!.baseUrl;
  }, 900_000);

  afterAll(async () => {
    await web?.stop();
    await collector?.stop();
    if (logs) await dropTestIndex(logs);
    if (bulk) await dropTestIndex(bulk);
  });

  const expectedLine = (s: (typeof seeds)[number]) =>
    `${utc(s.ts)} ${s.level.toUpperCase().padEnd(5)} ${HOST} ${s.logger}: ${s.message}`;

  describe("alco query", () => {
    it("prints the newest matches oldest first, like a log file", async () => {
      const run = await cli(["query", logs.name, "--since", "1h"]);
      expect(run.stderr, webLog()).toBe("");
      expect(run.code).toBe(0);
      expect(lines(run.stdout)).toEqual(seeds.map(expectedLine));
    });

    it("takes a query expression and --limit, and searches all time without --since", async () => {
      const order = await cli(["query", logs.name, "order", "--limit", "3"]);
      expect(order.code).toBe(0);
      expect(lines(order.stdout)).toEqual([seeds[3]!, seeds[4]!, seeds[5]!].map(expectedLine));
      const all = await cli(["query", logs.name, "long ago"]);
      expect(lines(all.stdout)).toEqual([`${utc(OLD_TS)} -     ${HOST} old: order 0 long ago`]);
      const failed = await cli([
        "query",
        logs.name,
        "logger:shop.views payment",
        "--until",
        new Date(T + 5 * 60_000).toISOString(),
      ]);
      expect(lines(failed.stdout)).toEqual([expectedLine(seeds[4]!)]);
    });

    it("prints the API's records as NDJSON with --json", async () => {
      const run = await cli(["query", logs.name, "--since", "1h", "--json"]);
      expect(run.code).toBe(0);
      const records = lines(run.stdout).map((l) => JSON.parse(l) as LogRecord);
      expect(records.map((r) => [r.message, r.host, r.logger, r.level, r.ts])).toEqual(
        seeds.map((s) => [s.message, HOST, s.logger, s.level, s.ts]),
      );
      expect(records[0]!.fields).toEqual({ file: "/var/log/shop.log" });
      expect(records.every((r) => /^\d+$/.test(r.id))).toBe(true);
    });

    it("pages past the API's 1000 records a request for a larger --limit", async () => {
      const run = await cli(["query", bulk.name, "--limit", "1500"]);
      expect(run.code).toBe(0);
      const out = lines(run.stdout);
      expect(out).toHaveLength(1500);
      expect(out.map((l) => l.slice(l.indexOf(": ") + 2))).toEqual(
        Array.from({ length: 1500 }, (_, i) => `bulk ${BULK - 1500 + i}`),
      );
    });
  });

  describe("alco hosts", () => {
    it("lists the hosts as a table, or NDJSON with --json", async () => {
      const run = await cli(["hosts"]);
      expect(run.code).toBe(0);
      const out = lines(run.stdout).map((l) => l.split(/\s{2,}/));
      expect(out[0]).toEqual(["HOST", "LAST SEEN"]);
      expect(out).toContainEqual([HOST, utc(seeds[5]!.ts)]);
      const json = await cli(["hosts", "--json"]);
      const entries = lines(json.stdout).map((l) => JSON.parse(l) as { host: string; logs_url: string });
      expect(entries.find((e) => e.host === HOST)?.logs_url).toBe(`/api/hosts/${HOST}/logs`);
      // The Logging Aggregator's paths end in a slash: they are answered in place, with what the path without it
      // answers, so no client depends on following a redirect with its token.
      for (const p of ["/api/hosts/", `/api/hosts/${HOST}/`]) {
        const headers = { authorization: `Bearer ${token}` };
        const res = await fetch(`${baseUrl}${p}`, { headers, redirect: "manual" });
        expect(res.status, p).toBe(200);
        const bare = await fetch(`${baseUrl}${p.slice(0, -1)}`, { headers, redirect: "manual" });
        expect(await res.json(), p).toEqual(await bare.json());
      }
    });

    it("shows one host, and its files with counts", async () => {
      const one = await cli(["hosts", HOST]);
      expect(one.code).toBe(0);
      expect(lines(one.stdout)).toEqual([
        `host   ${HOST}`,
        `logs   ${baseUrl}/api/hosts/${HOST}/logs`,
        // The default window is the last 24 hours: the line of two hours ago counts (its logger, `old`).
        "files  /var/log/shop.log, old, shop.jobs",
      ]);
      const files = await cli(["hosts", HOST, "--files", "--since", "1h"]);
      expect(files.code).toBe(0);
      const table = lines(files.stdout).map((l) => l.split(/\s{2,}/));
      expect(table).toEqual([
        ["FILE", "INDEX", "LINES", "LAST SEEN"],
        ["/var/log/shop.log", logs.name, "3", utc(seeds[4]!.ts)],
        ["shop.jobs (logger)", logs.name, "3", utc(seeds[5]!.ts)],
      ]);
    });

    it("works through bin/alco.mjs from another directory", async () => {
      const child = spawn(process.execPath, [path.join(root, "bin/alco.mjs"), "hosts", HOST, "--json"], {
        cwd: os.tmpdir(),
        env: { ...process.env, ALCO_URL: baseUrl, ALCO_TOKEN: token },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const run = await collectCli(child).done;
      expect(run.stderr).toBe("");
      expect((JSON.parse(run.stdout) as { host: string }).host).toBe(HOST);
    });
  });

  describe("errors", () => {
    it("says 401 in one line and exits non-zero with a bad token", async () => {
      const run = await cli(["query", logs.name], { ALCO_TOKEN: "not-a-token" });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        "alco: 401 unauthorized: sign in, or send an API token as `Authorization: Bearer <token>`\n",
      );
      const none = await cli(["hosts"], { ALCO_TOKEN: undefined });
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^alco: 401 unauthorized: /);
    });

    it("names the API's error for an unknown index or host, and a bad query", async () => {
      const index = await cli(["query", "no_such_index"]);
      expect(index.code).toBe(1);
      expect(index.stderr).toBe('alco: 404 not_found: no logger index named "no_such_index"\n');
      const host = await cli(["hosts", `nobody-${suffix}`]);
      expect(host.code).toBe(1);
      expect(host.stderr).toContain("alco: 404 not_found: no host named");
      const query = await cli(["query", logs.name, '"open']);
      expect(query.code).toBe(1);
      expect(query.stderr).toMatch(/^alco: 400 bad_request: query: unterminated quote/);
    });

    it("says it cannot reach a server that is not there", async () => {
      const port = await freePort();
      const run = await runCli(["query", logs.name, "--url", `http://127.0.0.1:${port}`, "--token", token]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`alco: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
    });

    it("exits 2 with the usage for a bad command line", async () => {
      for (const args of [
        [],
        ["query"],
        ["frobnicate"],
        ["query", logs.name, "--limit", "ten"],
        ["tail", "x", "--files"],
      ]) {
        const run = await cli(args);
        expect(run.code, args.join(" ")).toBe(2);
        expect(run.stderr, args.join(" ")).toContain("Usage: alco <command>");
      }
      const help = await cli(["--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("tail <logger> [expr]");
    });
  });

  describe("alco agent", () => {
    it("runs the agent with the arguments given and passes on its exit code", async () => {
      const help = await cli(["agent", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("--logger");
      const bad = await cli(["agent", "--no-such-option"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("no-such-option");
    });
  });

  describe("alco tail (live endpoint)", () => {
    it("prints the last lines, then new ones as they are indexed, and exits 0 on Ctrl-C", async () => {
      const child = startCli(["tail", logs.name, "--lines", "2"], { ALCO_URL: baseUrl, ALCO_TOKEN: token });
      const { output, done } = collectCli(child);
      await waitFor("history printed", () => Promise.resolve(lines(output.stdout).length === 2), 30_000);
      expect(lines(output.stdout)).toEqual([seeds[4]!, seeds[5]!].map(expectedLine));
      const now = Date.now();
      await publish([
        {
          routingKey: `app.${logs.name}`,
          body: {
            timestamp: new Date(now).toISOString(),
            message: "fresh line",
            level: "warn",
            host: HOST,
            logger: "live",
          },
          options: { messageId: `cli-${suffix}-live` },
        },
      ]);
      await waitFor("live line printed", () => Promise.resolve(output.stdout.includes("fresh line")), 30_000);
      child.kill("SIGINT");
      const run = await done;
      expect(run.code).toBe(0);
      expect(lines(run.stdout).slice(2)).toEqual([`${utc(now)} WARN  ${HOST} live: fresh line`]);
    });
  });
});

/** A LogRecord as the API sends it, for the SSE server below. */
function rec(n: number): LogRecord {
  const ts = 1_795_000_000_000 + n * 1000;
  return {
    id: String(1000 + n),
    ts,
    seq: "0",
    time: new Date(ts).toISOString(),
    message: `line ${n}`,
    level: "info",
    logger: "svc",
    host: "h1",
    fields: {},
    highlights: [],
  };
}
const cursor = (r: LogRecord) => cursorOf(r);
const recordsEvent = (rs: LogRecord[], crlf = false) => {
  const block = `id: ${cursor(rs[rs.length - 1]!)}\nevent: records\ndata: ${JSON.stringify({ records: rs })}\n\n`;
  return crlf ? block.replace(/\n/g, "\r\n") : block;
};

describe("alco tail against an SSE server that drops the connection", () => {
  let server: http.Server;
  let url = "";
  /** What each live request carried. */
  const requests: { after: string | null; lastEventId: string | undefined; q: string | null }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url!, "http://x");
      if (u.pathname === "/api/grep/locked/live") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ error: { code: "unauthorized", message: "sign in, or send an API token" } }),
        );
        return;
      }
      if (u.pathname === "/api/grep/demo" || u.pathname === "/api/grep/locked") {
        // History: the newest three, newest first.
        const records = [rec(3), rec(2), rec(1)].slice(0, Number(u.searchParams.get("limit")));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            records,
            cursors: { older: null, newer: records[0] ? cursor(records[0]) : null },
            total: records.length,
            tookMs: 1,
          }),
        );
        return;
      }
      if (u.pathname !== "/api/grep/demo/live") {
        res.writeHead(404).end();
        return;
      }
      requests.push({
        after: u.searchParams.get("after"),
        lastEventId: req.headers["last-event-id"] as string | undefined,
        q: u.searchParams.get("q"),
      });
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      const write = (s: string) => res.write(s);
      if (requests.length === 1) {
        write("event: ready\ndata: {}\n\n: keepalive\n\n");
        write(recordsEvent([rec(4), rec(5)]));
        // One event in pieces, cut mid-line and inside a CRLF.
        const crlf = recordsEvent([rec(6)], true);
        const cut = crlf.indexOf("\r\n") + 1;
        write(crlf.slice(0, 7));
        setTimeout(() => write(crlf.slice(7, cut)), 20);
        setTimeout(() => write(crlf.slice(cut)), 40);
        setTimeout(() => write('event: sampled\ndata: {"dropped": 5}\n\n'), 60);
        // An unfinished event, then the connection drops: line 7 must come on the next connection, once.
        setTimeout(() => write(`id: ${cursor(rec(7))}\nevent: records\ndata: {"records": [`), 80);
        setTimeout(() => res.socket?.destroy(), 100);
        return;
      }
      // The reconnect: resume after the last id, sending line 6 again as a careless server might.
      write("event: ready\ndata: {}\n\n");
      write(recordsEvent([rec(6), rec(7)]));
      write(recordsEvent([rec(8)]));
      const keepalive = setInterval(() => write(": keepalive\n\n"), 200);
      res.on("close", () => clearInterval(keepalive));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("prints history and every streamed record once across a reconnect, and exits 0 on Ctrl-C", async () => {
    const child = startCli([
      "tail",
      "demo",
      "status=500",
      "--lines",
      "2",
      "--json",
      "--url",
      url,
      "--token",
      "t",
    ]);
    const { output, done } = collectCli(child);
    await waitFor("line 8 printed", () => Promise.resolve(output.stdout.includes('"line 8"')), 30_000);
    child.kill("SIGINT");
    const run = await done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout).map((l) => (JSON.parse(l) as LogRecord).message)).toEqual(
      [2, 3, 4, 5, 6, 7, 8].map((n) => `line ${n}`),
    );
    expect(requests).toEqual([
      { after: cursor(rec(3)), lastEventId: cursor(rec(3)), q: "status=500" },
      { after: cursor(rec(6)), lastEventId: cursor(rec(6)), q: "status=500" },
    ]);
    expect(run.stderr).toContain("alco: 5 records were not streamed");
    expect(run.stderr).toMatch(/alco: live stream lost \(.*\); reconnecting in 250 ms \(attempt 2\)/);
    expect(run.stderr).toContain("alco: reconnected to");
  });

  it("prints plain lines without colors when stdout is not a terminal", async () => {
    const child = startCli(["tail", "demo", "--lines", "1", "--url", url, "--token", "t"], { TZ: "UTC" });
    const { output, done } = collectCli(child);
    await waitFor("a streamed line", () => Promise.resolve(output.stdout.includes("line 8")), 30_000);
    child.kill("SIGINT");
    const run = await done;
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[0]).toBe(`${utc(rec(3).ts)} INFO  h1 svc: line 3`);
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("stops with the API's error when the live endpoint refuses", async () => {
    const run = await runCli(["tail", "locked", "--url", url, "--token", "t"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `${utc(rec(1).ts)} INFO  h1 svc: line 1\n${utc(rec(2).ts)} INFO  h1 svc: line 2\n${utc(rec(3).ts)} INFO  h1 svc: line 3\n`,
    );
    expect(run.stderr).toBe("alco: 401 unauthorized: sign in, or send an API token\n");
  });
});
