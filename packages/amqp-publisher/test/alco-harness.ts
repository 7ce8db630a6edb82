/**
 * What the transports' integration tests need from alco: a running Collector on the test stack, the grep API
 * called through its route handler, and a way to cut a publisher's connection from the RabbitMQ side.
 */
import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { GET } from "@/app/api/grep/[logger]/route";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import * as helpers from "@/test/helpers";

export type FoundRecord = GrepResult["records"][number];

/**
 * Runs a Collector on the test stack for the calling test file, and returns a maker of logger indexes that are
 * dropped when the file is done.
 */
export function withCollector(): { newIndex: () => Promise<LoggerIndex> } {
  let collector: Collector | undefined;
  const indexes: LoggerIndex[] = [];
  beforeAll(async () => {
    collector = new Collector(helpers.collectorEnv(), { log: () => undefined });
    await collector.start();
  });
  afterAll(async () => {
    await collector?.stop();
    for (const index of indexes) await helpers.dropTestIndex(index);
  });
  return {
    newIndex: async () => {
      const index = await helpers.createTestIndex();
      indexes.push(index);
      return index;
    },
  };
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `logBatch` every 10 ms until `done` settles, so that lines are on their way whenever it happens. */
export async function keepLoggingUntil(done: Promise<unknown>, logBatch: () => void): Promise<void> {
  let settled = false;
  const mark = () => (settled = true);
  done.then(mark, mark);
  while (!settled) {
    logBatch();
    await pause(10);
  }
  await done;
}

export type SampleLine = { level: "info" | "warn" | "error" | "debug"; message: string; fields: object };

/** Four lines each transport logs its own way; `expectSampleFound` checks what alco made of them. */
export function sampleLines(err: Error): SampleLine[] {
  return [
    { level: "info", message: "order A-17 paid", fields: { orderId: 17, customer: { id: 3, tier: "gold" } } },
    { level: "warn", message: "payment retry for user bob", fields: { attempt: 2 } },
    { level: "error", message: "payment failed", fields: { err, orderId: 18 } },
    { level: "debug", message: "cache warm", fields: { keys: ["a", "b"] } },
  ];
}

/** The sample lines, found through GET /api/grep with level, message, host, logger and fields intact. */
export async function expectSampleFound(index: string, errAsSent: object): Promise<void> {
  await expectIndexed(index, 4);
  const failed = (await grep(index, { q: "payment failed" })).records;
  expect(failed).toHaveLength(1);
  expect(failed[0]).toMatchObject({
    level: "error",
    message: "payment failed",
    host: os.hostname(),
    logger: index,
  });
  expect(failed[0]!.fields).toEqual({ pid: process.pid, orderId: 18, err: errAsSent });
  const paid = (await grep(index, { q: "orderId:17" })).records;
  expect(paid.map((r) => [r.level, r.message, r.fields.customer])).toEqual([
    ["info", "order A-17 paid", { id: 3, tier: "gold" }],
  ]);
  expect((await grep(index, { q: "level:warn" })).records.map((r) => r.fields.attempt)).toEqual([2]);
  expect((await grep(index, { q: `host:${os.hostname()}` })).total).toBe(4);
  expect((await grep(index, { q: "cache" })).records.map((r) => [r.level, r.fields.keys])).toEqual([
    ["debug", ["a", "b"]],
  ]);
}

/** GET /api/grep/<index>?<params> with the test read token, expecting 200. */
export async function grep(index: string, params: Record<string, string> = {}): Promise<GrepResult> {
  const query = new URLSearchParams(params).toString();
  const res = await GET(await helpers.apiRequest(`/api/grep/${index}?${query}`), {
    params: Promise.resolve({ logger: index }),
  });
  const body = (await res.json()) as GrepResult;
  if (res.status !== 200) throw new Error(`grep ?${query} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Every record of an index through the grep API, newest first, page by page. */
export async function grepAll(index: string): Promise<FoundRecord[]> {
  const all: FoundRecord[] = [];
  for (let before: string | null = null; ;) {
    const page: GrepResult = await grep(index, { limit: "1000", ...(before ? { before } : {}) });
    all.push(...page.records);
    before = page.cursors.older;
    if (!before || page.records.length === 0) return all;
  }
}

/** Waits until the engine holds `n` records for the index, then checks that no more arrive for a moment. */
export async function expectIndexed(index: string, n: number, timeoutMs = 60_000): Promise<void> {
  let last = 0;
  await helpers
    .waitFor(
      `${n} records in ${index}`,
      async () => (last = await helpers.engineCount(index)) >= n,
      timeoutMs,
    )
    .catch((err: Error) => {
      throw new Error(`${err.message}; the engine had ${last}`);
    });
  await new Promise((r) => setTimeout(r, 500));
  const settled = await helpers.engineCount(index);
  if (settled !== n) throw new Error(`expected exactly ${n} records in ${index}, found ${settled}`);
}

/** The index holds exactly the lines numbered `from` … `to - 1` (field `n`), each once, as the grep API lists them. */
export async function expectExactlyOnce(index: string, from: number, to: number): Promise<void> {
  await expectIndexed(index, to - from);
  const ns = (await grepAll(index)).map((r) => r.fields.n as number).sort((a, b) => a - b);
  expect(ns).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
}

const run = promisify(execFile);

/** Closes, from the server side, the connection whose client set `connection_name` to `name`. */
export async function forceCloseConnection(name: string): Promise<void> {
  // RabbitMQ 3.10's close_connection takes the connection's Erlang pid, as the table output prints it.
  const { stdout } = await run("rabbitmqctl", ["list_connections", "pid", "client_properties", "-q"]);
  const line = stdout.split("\n").find((l) => l.includes(`{"connection_name","${name}"}`));
  if (!line) throw new Error(`no RabbitMQ connection named ${name}`);
  await run("rabbitmqctl", ["close_connection", line.split("\t")[0]!, "closed by a test"]);
}
