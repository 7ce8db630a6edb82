/**
 * The agent on real files and the real RabbitMQ: each test tails files in its own temporary directory and reads
 * what was published from a queue bound to its own routing key.
 */
import { randomUUID } from "node:crypto";
import { appendFile, copyFile, mkdir, rename, rm, stat, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { QueueTap, tempDir } from "@/test/agent-kit";
import { waitFor } from "@/test/helpers";
import { Agent, type AgentOptions } from "./agent";

type Scenario = {
  dir: string;
  tap: QueueTap;
  /** Starts an agent on `patterns` (relative to `dir`) with fast test timings. */
  start: (patterns: string[], over?: Partial<AgentOptions>) => Promise<Agent>;
  file: (name: string) => string;
  /** Messages received, one per message id (what the collector stores), in order of arrival. */
  messages: () => string[];
  /** Waits until `n` distinct records arrived. */
  received: (n: number) => Promise<void>;
};

async function scenario(run: (s: Scenario) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  const prefix = `agent${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const tap = await QueueTap.open(process.env.AMQP_URL!, process.env.AMQP_EXCHANGE!, `${prefix}.idx.app`);
  const agents: Agent[] = [];
  const logs: string[] = [];
  const s: Scenario = {
    dir,
    tap,
    file: (name) => path.join(dir, name),
    start: async (patterns, over = {}) => {
      const agent = new Agent({
        url: process.env.AMQP_URL!,
        exchange: process.env.AMQP_EXCHANGE!,
        prefix,
        index: "idx",
        logger: "app",
        host: "test-host",
        tags: ["production1", "cache-server"],
        statePath: path.join(dir, "state", "agent.json"),
        fromStart: false,
        format: "auto",
        patterns: patterns.map((p) => path.join(dir, p)),
        log: (l) => logs.push(l),
        pollMs: 50,
        globIntervalMs: 100,
        rotateGraceMs: 300,
        multilineIdleMs: 200,
        ...over,
      });
      agents.push(agent);
      await agent.start();
      return agent;
    },
    messages: () => tap.unique().map((m) => (m.body.message ?? m.body.msg) as string),
    received: (n) =>
      waitFor(
        `${n} records (have ${tap.unique().length})`,
        () => Promise.resolve(tap.unique().length >= n),
        15_000,
      ).then(() => undefined),
  };
  try {
    await run(s);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nagent log:\n${logs.join("\n")}`);
  } finally {
    for (const a of agents) await a.stop();
    await tap.close();
    await cleanup();
  }
}

const lines = (from: number, to: number, label = "line") =>
  Array.from({ length: to - from }, (_, i) => `${label} ${from + i}\n`).join("");
const expected = (from: number, to: number, label = "line") =>
  Array.from({ length: to - from }, (_, i) => `${label} ${from + i}`);

describe("alco agent", () => {
  it("publishes appended lines with their source fields, skipping what the file held before the first start", () =>
    scenario(async (s) => {
      await writeFile(s.file("app.log"), "old 1\nold 2\npartial");
      await s.start(["app.log"]);
      await appendFile(
        s.file("app.log"),
        ' done\n10.0.0.1 - - [21/Nov/2026:13:45:02 +0000] "GET /x HTTP/1.1" 404 5\n{"msg":"json line","user":"bob"}\n',
      );
      await s.received(3);
      expect(s.messages()).toEqual([
        "partial done",
        '10.0.0.1 - - [21/Nov/2026:13:45:02 +0000] "GET /x HTTP/1.1" 404 5',
        "json line",
      ]);
      const [plain, clf, json] = s.tap.messages;
      expect(plain!.routingKey).toMatch(/^agent\w+\.idx\.app$/);
      expect(plain!.messageId).toMatch(/^[0-9a-f]{32}$/);
      expect(plain!.body).toEqual({
        message: "partial done",
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
        host: "test-host",
        logger: "app",
        file: s.file("app.log"),
        tags: ["production1", "cache-server"],
      });
      expect(clf!.body).toMatchObject({ status: 404, level: "warn", timestamp: "2026-11-21T13:45:02.000Z" });
      expect(json!.body).toMatchObject({ msg: "json line", user: "bob", host: "test-host" });
      expect(s.tap.messages).toHaveLength(3);
    }));

  it("reads existing files from the start on a first start with --from-start", () =>
    scenario(async (s) => {
      await writeFile(s.file("app.log"), lines(0, 5));
      await s.start(["app.log"], { fromStart: true });
      await s.received(5);
      expect(s.messages()).toEqual(expected(0, 5));
    }));

  it("picks up new files matching a glob, reading them from the start", () =>
    scenario(async (s) => {
      await writeFile(s.file("a.log"), "existing, skipped\n");
      const agent = await s.start(["*.log"]);
      await writeFile(s.file("b.log"), lines(0, 3, "b"));
      await writeFile(s.file("c.txt"), "not matched\n");
      await s.received(3);
      await writeFile(s.file("d.log"), lines(0, 2, "d"));
      await appendFile(s.file("a.log"), "a appended\n");
      await s.received(6);
      expect(s.messages().sort()).toEqual(["a appended", ...expected(0, 3, "b"), ...expected(0, 2, "d")]);
      expect(
        agent
          .stats()
          .files.map((f) => path.basename(f.path))
          .sort(),
      ).toEqual(["a.log", "b.log", "d.log"]);
    }));

  it("follows rename-and-create rotation: the old file is read to its end before the new one", () =>
    scenario(async (s) => {
      const log = s.file("app.log");
      await writeFile(log, lines(0, 10));
      const agent = await s.start(["app.log"], { fromStart: true });
      await s.received(10);
      await appendFile(log, lines(10, 15));
      await rename(log, s.file("app.log.1"));
      // The writer has not reopened yet: it still appends to the renamed file.
      await appendFile(s.file("app.log.1"), lines(15, 20));
      await writeFile(log, lines(20, 30));
      await s.received(30);
      expect(s.messages()).toEqual(expected(0, 30));
      expect(s.tap.messages).toHaveLength(30);
      // After its grace period the rotated file is closed and forgotten.
      await waitFor("rotated file closed", () => Promise.resolve(agent.stats().files.length === 1), 5000);
      expect(agent.stats().files[0]).toMatchObject({ path: log, detached: false });
    }));

  it("follows rename rotation under a glob that matches the rotated name too, sending each line once", () =>
    scenario(async (s) => {
      const log = s.file("app.log");
      await writeFile(log, lines(0, 10));
      const agent = await s.start(["app.log*"], { fromStart: true });
      await s.received(10);
      await appendFile(log, lines(10, 15));
      await rename(log, s.file("app.log.1"));
      await writeFile(log, lines(15, 25));
      await s.received(25);
      expect(s.messages()).toEqual(expected(0, 25));
      expect(s.tap.messages).toHaveLength(25);
      expect(
        agent
          .stats()
          .files.map((f) => path.basename(f.path))
          .sort(),
      ).toEqual(["app.log", "app.log.1"]);
    }));

  it("follows copytruncate, whether or not the file grew past the old offset before it was looked at", () =>
    scenario(async (s) => {
      const log = s.file("app.log");
      await writeFile(log, lines(0, 10));
      await s.start(["app.log"], { fromStart: true });
      await s.received(10);
      await appendFile(log, lines(10, 20));
      await s.received(20);
      await copyFile(log, s.file("app.log.1"));
      await truncate(log, 0);
      await appendFile(log, lines(20, 60));
      await s.received(60);
      expect(s.messages()).toEqual(expected(0, 60));
      expect(s.tap.messages).toHaveLength(60);
    }));

  it("follows a file deleted and created again, also once its inode number may have been reused", () =>
    scenario(async (s) => {
      const log = s.file("app.log");
      await writeFile(log, lines(0, 5));
      const agent = await s.start(["app.log"], { fromStart: true });
      await s.received(5);
      await rm(log);
      await writeFile(log, lines(5, 10));
      await s.received(10);
      await rm(log);
      await waitFor("deleted file forgotten", () => Promise.resolve(agent.stats().files.length === 0), 5000);
      await writeFile(log, lines(10, 15));
      await s.received(15);
      expect(s.messages()).toEqual(expected(0, 15));
      expect(s.tap.messages).toHaveLength(15);
    }));

  it("restarts where it stopped: every line exactly once and in order, multi-line records whole", () =>
    scenario(async (s) => {
      const record = (i: number) =>
        `2026-11-21T13:45:01.000Z INFO record ${i}` + (i % 50 === 0 ? "\n  at frame 1\n  at frame 2" : "");
      const log = s.file("app.log");
      await writeFile(log, Array.from({ length: 5000 }, (_, i) => record(i) + "\n").join(""));
      const first = await s.start(["app.log"], { fromStart: true, maxInFlight: 20 });
      await s.received(500);
      await first.stop();
      const sent = first.stats().confirmed;
      expect(sent).toBeLessThan(5000);
      await waitFor("confirmed records delivered", () => Promise.resolve(s.tap.messages.length === sent));
      await appendFile(log, Array.from({ length: 1000 }, (_, i) => record(5000 + i) + "\n").join(""));
      const second = await s.start(["app.log"], { fromStart: true, maxInFlight: 20 });
      await s.received(6000);
      // The last record waits out the multi-line idle time before it goes.
      expect(s.messages()).toEqual(Array.from({ length: 6000 }, (_, i) => record(i)));
      expect(s.tap.messages).toHaveLength(6000);
      await second.stop();
      expect(second.stats().files[0]!.offset).toBe((await stat(log)).size);
    }));

  it("reads to its end a file rotated while the agent was stopped, then the new one", () =>
    scenario(async (s) => {
      const log = s.file("app.log");
      await writeFile(log, lines(0, 5));
      const first = await s.start(["app.log"], { fromStart: true });
      await s.received(5);
      await first.stop();
      await appendFile(log, lines(5, 8));
      await rename(log, s.file("app.log.1"));
      await writeFile(log, lines(8, 10));
      await s.start(["app.log"]);
      await s.received(10);
      expect(s.messages()).toEqual(expected(0, 10));
      expect(s.tap.messages).toHaveLength(10);
    }));

  it("joins stack traces into one record and sends the last one once the file is idle", () =>
    scenario(async (s) => {
      const python = [
        "2026-11-21 13:45:01,123 ERROR [web] request failed",
        "Traceback (most recent call last):",
        '  File "/srv/app.py", line 10, in handle',
        "    return compute(x)",
        "ZeroDivisionError: division by zero",
      ].join("\n");
      const java = [
        "2026-11-21 13:45:02,000 WARN [main] c.e.Service - retrying",
        "java.lang.IllegalStateException: boom",
        "\tat com.example.Service.run(Service.java:42)",
        "Caused by: java.net.SocketTimeoutException: read timed out",
        "\t... 12 more",
      ].join("\n");
      await writeFile(s.file("app.log"), "");
      await s.start(["app.log"]);
      await appendFile(s.file("app.log"), `${python}\n${java}\n`);
      await s.received(2);
      expect(s.messages()).toEqual([python, java]);
      expect(s.tap.messages.map((m) => m.body.level)).toEqual(["error", "warn"]);
    }));

  it("parses each format, and keeps malformed lines as plain text", () =>
    scenario(async (s) => {
      await mkdir(s.file("logs"));
      const samples: Record<string, string[]> = {
        "access.log": [
          '203.0.113.7 - alice [21/Nov/2026:13:45:01 +0000] "GET /api/orders HTTP/1.1" 500 12 "-" "curl/8.0"',
          '203.0.113.7 - - [21/Nov/2026:13:45:01 +0000] "GET /api/orders HTTP/1.1" 200 oops',
        ],
        "u_ex.log": [
          "#Version: 1.0",
          "#Fields: date time cs-method cs-uri-stem sc-status time-taken",
          "2026-11-21 13:45:01 GET /default.htm 200 15",
          "2026-11-21 13:45:02 GET too many columns here 1 2",
        ],
        "syslog.log": [
          "<165>1 2026-11-21T13:45:01.003Z web-1 evntslog 1234 ID47 - An application event",
          "Nov 21 13:45:01 web-1 sshd[4242]: Accepted publickey for bob",
          "<13>not really syslog",
        ],
        "events.log": ['{"level":"error","message":"payment failed","order":7}', '{"truncated": '],
      };
      for (const [name, content] of Object.entries(samples))
        await writeFile(s.file(`logs/${name}`), content.join("\n") + "\n");
      await s.start(["logs/*.log"], { fromStart: true });
      await s.received(9);
      const byMessage = new Map(s.tap.messages.map((m) => [m.body.message ?? m.body.msg, m.body]));
      expect(byMessage.get(samples["access.log"]![0])).toMatchObject({
        user: "alice",
        method: "GET",
        path: "/api/orders",
        status: 500,
        level: "error",
        agent: "curl/8.0",
      });
      expect(byMessage.get(samples["access.log"]![1])).not.toHaveProperty("status");
      expect(byMessage.get(samples["u_ex.log"]![2])).toMatchObject({
        cs_method: "GET",
        cs_uri_stem: "/default.htm",
        sc_status: 200,
        time_taken: 15,
        timestamp: "2026-11-21T13:45:01.000Z",
      });
      expect(byMessage.get(samples["u_ex.log"]![3])).not.toHaveProperty("sc_status");
      expect(byMessage.get("An application event")).toMatchObject({
        hostname: "web-1",
        appname: "evntslog",
        pid: 1234,
        msgid: "ID47",
        level: "notice",
        facility: "local4",
      });
      expect(byMessage.get("Accepted publickey for bob")).toMatchObject({ appname: "sshd", pid: 4242 });
      expect(byMessage.get("<13>not really syslog")).not.toHaveProperty("appname");
      expect(byMessage.get("payment failed")).toMatchObject({ level: "error", order: 7 });
      expect(byMessage.has('{"truncated": ')).toBe(true);
      // Directives are no records: 11 lines, 2 directives.
      expect(s.tap.messages).toHaveLength(9);
    }));
});
