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
import { timeCursor } from "@/lib/query/cursor";
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

/**
 * Every record of an index through GET /api/grep in pages of `limit`, read both ways as the reader scrolls:
 * `down` from the newest page by `before`, `up` from the position just before `fromMs` by `after` (the way `G`
 * starts at the oldest line), each page newest first; both lists newest first.
 */
export async function grepBothWays(
  index: string,
  fromMs: number,
  limit = 100,
): Promise<{ down: FoundRecord[]; up: FoundRecord[]; largestPage: number }> {
  const down: FoundRecord[] = [];
  const upPages: FoundRecord[][] = [];
  let largestPage = 0;
  for (let before: string | null = null; ;) {
    const page: GrepResult = await grep(index, { limit: String(limit), ...(before ? { before } : {}) });
    down.push(...page.records);
    largestPage = Math.max(largestPage, page.records.length);
    before = page.cursors.older;
    if (!before || page.records.length === 0) break;
  }
  // Newer pages are always offered (lines may arrive at any time): the first empty one is the top.
  for (let after: string | null = timeCursor(fromMs - 1); after;) {
    const page: GrepResult = await grep(index, { limit: String(limit), after });
    if (page.records.length === 0) break;
    upPages.unshift(page.records);
    largestPage = Math.max(largestPage, page.records.length);
    after = page.cursors.newer;
  }
  return { down, up: upPages.flat(), largestPage };
}

/**
 * How far the numbers `n` read newest first are from `total - 1` … `0`, as a short figure instead of a diff of
 * thousands of lines: how many are missing or there twice, and where the order first breaks.
 */
export function callOrder(records: FoundRecord[], total: number) {
  const ns = records.map((r) => r.fields.n as number);
  const seen = new Map<number, number>();
  for (const n of ns) seen.set(n, (seen.get(n) ?? 0) + 1);
  const missing = Array.from({ length: total }, (_, n) => n).filter((n) => !seen.has(n));
  const twice = [...seen].filter(([, count]) => count > 1).map(([n]) => n);
  const breaks = ns.flatMap((n, i) => (i > 0 && n >= ns[i - 1]! ? [i] : []));
  return {
    count: ns.length,
    missing: missing.slice(0, 10),
    twice: twice.slice(0, 10),
    outOfOrder: breaks.length,
    // The first place the order breaks, with the numbers around it.
    firstBreak: breaks.length ? ns.slice(Math.max(0, breaks[0]! - 3), breaks[0]! + 3).join(", ") : null,
  };
}

/** The most records that share one millisecond: above 1, an order by time alone leaves ties to break. */
export function mostInOneMs(records: FoundRecord[]): number {
  const perMs = new Map<number, number>();
  for (const r of records) perMs.set(r.ts, (perMs.get(r.ts) ?? 0) + 1);
  return Math.max(0, ...perMs.values());
}

export const inCallOrder = (total: number) => ({
  count: total,
  missing: [],
  twice: [],
  outOfOrder: 0,
  firstBreak: null,
});

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
