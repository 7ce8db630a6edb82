/**
 * The agent end to end on the real stack: files -> agent -> RabbitMQ -> collector -> searchd -> GET /api/grep.
 * Also the `npm run agent` process itself: SIGKILLed mid-file and restarted, the engine still ends with every
 * line exactly once (message ids are stable across the restart, and record ids derive from them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/grep/[logger]/route";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import {
  apiRequest,
  collectorEnv,
  createTestIndex,
  dropTestIndex,
  engineCount,
  waitFor,
} from "@/test/helpers";
import { tempDir } from "@/test/agent-kit";
import { Agent } from "./agent";

const root = path.resolve(import.meta.dirname, "../..");

async function grep(index: string, params: Record<string, string>): Promise<GrepResult> {
  const req = await apiRequest(`/api/grep/${index}?${new URLSearchParams(params).toString()}`);
  const res = await GET(req, { params: Promise.resolve({ logger: index }) });
  expect(res.status).toBe(200);
  return (await res.json()) as GrepResult;
}

/** A CLF time for `ms`, in UTC. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

describe("alco agent into the engine", () => {
  let collector: Collector;
  let index: LoggerIndex;

  beforeAll(async () => {
    index = await createTestIndex();
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
    await dropTestIndex(index);
  });

  it("makes access-log lines and a stack trace searchable through the grep API, fields intact", async () => {
    const { dir, cleanup } = await tempDir();
    const agent = new Agent({
      url: process.env.AMQP_URL!,
      exchange: process.env.AMQP_EXCHANGE!,
      prefix: "agent",
      index: index.name,
      logger: "nginx",
      host: "web-07",
      tags: ["production1", "cache-server"],
      statePath: path.join(dir, "agent.json"),
      fromStart: true,
      format: "auto",
      patterns: [path.join(dir, "*.log")],
      log: () => undefined,
      pollMs: 50,
      globIntervalMs: 100,
      multilineIdleMs: 100,
    });
    try {
      // Whole seconds: access logs have no milliseconds.
      const now = Math.floor(Date.now() / 1000) * 1000 - 60_000;
      const access = Array.from(
        { length: 20 },
        (_, i) =>
          `198.51.100.${i} - - [${clfTime(now + i * 1000)}] "GET /api/orders/${i} HTTP/1.1" ${i === 7 ? 502 : 200} ${100 + i} "-" "curl/8.5"`,
      );
      await writeFile(path.join(dir, "access.log"), access.join("\n") + "\n");
      await agent.start();
      const trace = [
        `${new Date(now).toISOString()} ERROR checkout failed`,
        "Traceback (most recent call last):",
        '  File "/srv/shop/checkout.py", line 88, in pay',
        "PaymentDeclined: card expired",
      ].join("\n");
      // A file that appears after the agent started: read from its start.
      await writeFile(path.join(dir, "app.log"), trace + "\n");
      // A dev server's coloured line: its time and level are read as a terminal shows them.
      const coloured = `\u001b[2m${new Date(now).toISOString()}\u001b[22m \u001b[31mERROR\u001b[39m \u001b[1mcompile failed\u001b[22m`;
      await writeFile(path.join(dir, "dev.log"), coloured + "\n");

      await waitFor("22 records searchable", async () => (await grep(index.name, {})).total === 22, 30_000);
      const compile = await grep(index.name, { q: "error compile" });
      expect(compile.records.map((r) => [r.message, r.level, r.ts])).toEqual([[coloured, "error", now]]);
      const failed = await grep(index.name, { q: "status:502" });
      expect(failed.records).toHaveLength(1);
      expect(failed.records[0]).toMatchObject({
        message: access[7],
        level: "error",
        host: "web-07",
        logger: "nginx",
        ts: now + 7000,
      });
      expect(failed.records[0]!.fields).toMatchObject({
        remote: "198.51.100.7",
        method: "GET",
        path: "/api/orders/7",
        status: 502,
        bytes: 107,
        agent: "curl/8.5",
        file: path.join(dir, "access.log"),
        tags: ["production1", "cache-server"],
      });
      const errors = await grep(index.name, { q: "PaymentDeclined" });
      expect(errors.records.map((r) => [r.message, r.level])).toEqual([[trace, "error"]]);
    } finally {
      await agent.stop();
      await cleanup();
    }
  });

  it("`npm run agent` SIGKILLed mid-file and restarted stores every line exactly once; SIGTERM exits 0", async () => {
    const other = await createTestIndex();
    const { dir, cleanup } = await tempDir();
    const file = path.join(dir, "app.log");
    const state = path.join(dir, "state", "agent.json");
    const total = 60_000;
    // Identical lines on purpose: only their offsets tell them apart.
    const line = `${new Date(Date.now() - 60_000).toISOString()} INFO same line\n`;
    await writeFile(file, line.repeat(total / 2));
    const output: string[] = [];
    const start = () => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(root, "workers/agent.ts"),
          ...["--url", process.env.AMQP_URL!, "--exchange", process.env.AMQP_EXCHANGE!],
          ...[
            "--index",
            other.name,
            "--logger",
            "app",
            "--tag",
            "crash-test",
            "--state",
            state,
            "--from-start",
          ],
          file,
        ],
        { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
      );
      const keep = (b: Buffer) => output.push(...b.toString().split("\n").filter(Boolean));
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      return child;
    };
    const exited = (child: ChildProcess) =>
      new Promise<number | null>((r) =>
        child.exitCode !== null ? r(child.exitCode) : child.once("exit", r),
      );
    let child = start();
    try {
      const half = (total / 2) * line.length;
      const committed = async () =>
        (JSON.parse(await readFile(state, "utf8")) as { files: { offset: number }[] }).files[0]?.offset ?? 0;
      await waitFor("agent midway through the file", async () => (await committed()) > 0, 60_000);
      child.kill("SIGKILL");
      await exited(child);
      expect(await committed()).toBeLessThan(half);
      await appendFile(file, line.repeat(total / 2));
      child = start();
      await waitFor("every line stored", async () => (await engineCount(other.name)) >= total, 90_000);
      child.kill("SIGTERM");
      expect(await exited(child)).toBe(0);
      // Redelivered duplicates replace themselves: still exactly one record per line.
      await new Promise((r) => setTimeout(r, 1000));
      expect(await engineCount(other.name)).toBe(total);
      const saved = JSON.parse(await readFile(state, "utf8")) as { files: { offset: number }[] };
      expect(saved.files[0]!.offset).toBe(total * line.length);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nagent output:\n${output.slice(-30).join("\n")}`);
    } finally {
      if (child.exitCode === null) {
        child.kill("SIGKILL");
        await exited(child);
      }
      await dropTestIndex(other);
      await cleanup();
    }
  });
});
