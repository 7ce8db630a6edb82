/**
 * The patterns API on real services: a corpus of known templates published through RabbitMQ and a real
 * collector, then its templates read back with their counts, and each template's query run through the grep API
 * to find exactly that template's lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { GET as patternsGET } from "@/app/api/grep/[logger]/patterns/route";
import { Collector } from "@/lib/collector/collector";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import type { PatternsResult } from "@/lib/patterns/wire";
import type { GrepResult } from "@/lib/query/wire";
import type { LoggerIndex } from "@/db/schema";
import {
  callRoute,
  collectorEnv,
  createTestIndex,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type RouteHandler,
} from "./helpers";

const MIN = 60_000;
/** The range read: 10 minutes from T0, two hours ago on a minute boundary; the previous window is before T0. */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;

type Line = { ts: number; message: string; level: string };
const lines: Line[] = [];
for (let i = 0; i < 60; i++)
  lines.push({ ts: T0 + i * 10_000, message: `user ${1000 + i} logged in from 10.0.${i}.7`, level: "info" });
for (let i = 0; i < 30; i++)
  lines.push({
    ts: T0 + 5_000 + i * 20_000,
    message: `disk /dev/sda${i % 4} is ${90 + (i % 9)}% full`,
    level: "warn",
  });
for (let i = 0; i < 15; i++)
  lines.push({
    ts: T0 + 7_000 + i * 40_000,
    message: [
      `job ${i * 37} failed`,
      "Traceback (most recent call last):",
      `  File "/srv/jobs/run.py", line ${10 + i}, in load_config`,
      "    return cfg['key']",
      `KeyError: 'key${i}'`,
    ].join("\n"),
    level: "error",
  });
const IN_RANGE = lines.length;
// The previous window: the login template was there already, the others are new in the range.
for (let i = 0; i < 20; i++)
  lines.push({
    ts: T0 - 10 * MIN + i * 25_000,
    message: `user ${i} logged in from 10.1.0.${i}`,
    level: "info",
  });

describe("patterns API", () => {
  const env = collectorEnv();
  let collector: Collector;
  let index: LoggerIndex;
  const range = { from: String(T0), to: String(T0 + 10 * MIN - 1) };

  const get = async <T>(
    handler: RouteHandler,
    suffix: string,
    query: Record<string, string>,
    status = 200,
  ) => {
    const res = await callRoute<T>(
      handler,
      `/api/grep/${index.name}${suffix}?${new URLSearchParams(query)}`,
      {
        params: { logger: index.name },
      },
    );
    expect(res.status, res.text).toBe(status);
    return res.body;
  };

  beforeAll(async () => {
    index = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    await publish(
      lines.map((l, i) => ({
        routingKey: `app.${index.name}`,
        body: { timestamp: new Date(l.ts).toISOString(), message: l.message, level: l.level, host: "web-1" },
        options: { messageId: `pat-${i}` },
      })),
    );
    await waitFor("records stored", async () => (await engineCount(index.name)) === lines.length);
  });

  afterAll(async () => {
    await collector?.stop();
    if (index) await dropTestIndex(index);
  });

  it("gives the corpus's templates with their counts, levels and series, sorted by count", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", range);
    expect(r.sampleSize).toBe(IN_RANGE);
    expect(r.total).toBe(IN_RANGE);
    expect(r.slices).toHaveLength(20);
    expect(r.patterns.map((p) => [p.template, p.trace ?? null, p.count, p.estimate])).toEqual([
      ["user <_> logged in from <_>", null, 60, 60],
      ["disk <_> is <_>% full", null, 30, 30],
      ["job <_> failed", { type: "KeyError", frame: "load_config" }, 15, 15],
    ]);
    const [login, disk, job] = r.patterns;
    expect(login!.levels).toEqual({ error: 0, warn: 0, info: 60, debug: 0, other: 0 });
    expect(disk!.levels.warn).toBe(30);
    expect(job!.levels.error).toBe(15);
    expect(login!.share).toBeCloseTo(60 / IN_RANGE, 9);
    // One login line every 10 s: 3 per 30-second slice.
    expect(login!.series).toEqual(Array.from({ length: 20 }, () => 3));
    expect(r.patterns.every((p) => !p.isNew)).toBe(true);
  });

  it("finds exactly a template's lines with its query, and leaves them out with its exclusion", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", range);
    for (const p of r.patterns) {
      const only = await get<GrepResult>(grepGET, "", { ...range, q: p.query, limit: "1000" });
      expect({ q: p.query, n: only.records.length }).toEqual({ q: p.query, n: p.count });
      const rest = await get<GrepResult>(grepGET, "", { ...range, q: p.exclude, limit: "1000" });
      expect({ q: p.exclude, n: rest.records.length }).toEqual({ q: p.exclude, n: IN_RANGE - p.count });
    }
  });

  it("reads a bounded sample spread over the range and estimates the range's counts from it", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", { ...range, sample: "100", slices: "10" });
    expect(r.sampleSize).toBe(100);
    expect(r.total).toBe(IN_RANGE);
    // Every slice is read: the estimates cover the whole range, each slice's lines scaled to its matches.
    const estimated = r.patterns.reduce((n, p) => n + p.estimate, 0);
    expect(Math.abs(estimated - IN_RANGE)).toBeLessThanOrEqual(r.patterns.length * r.slices.length);
    const login = r.patterns.find((p) => p.template === "user <_> logged in from <_>")!;
    expect(login.series.every((n) => n > 0)).toBe(true);
  });

  it("keeps to the query and filters", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", { ...range, q: "level:warn" });
    expect(r.patterns.map((p) => [p.template, p.count])).toEqual([["disk <_> is <_>% full", 30]]);
  });

  it("sorts the templates the previous window did not have first with sort=new", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", { ...range, sort: "new" });
    expect(r.patterns.map((p) => [p.template, p.isNew])).toEqual([
      ["disk <_> is <_>% full", true],
      ["job <_> failed", true],
      ["user <_> logged in from <_>", false],
    ]);
  });

  it("refuses a bad parameter with a clear error", async () => {
    const body = await get<{ error: { code: string; message: string } }>(
      patternsGET,
      "/patterns",
      { ...range, sort: "loudest" },
      400,
    );
    expect(body.error.message).toContain("sort");
  });
});

describe("patterns of the demo's traffic", () => {
  const env = collectorEnv();
  let collector: Collector;
  let index: LoggerIndex;
  const N = 1500;
  const range = { from: String(T0), to: String(T0 + 30 * MIN - 1), limit: "500" };

  const get = async <T>(handler: RouteHandler, suffix: string, query: Record<string, string>) => {
    const res = await callRoute<T>(
      handler,
      `/api/grep/${index.name}${suffix}?${new URLSearchParams(query)}`,
      {
        params: { logger: index.name },
      },
    );
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    index = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    const gen = createRecordGenerator({ seed: 3, startMs: T0 + 1_000, ratePerSec: 1 });
    await publish(
      Array.from({ length: N }, () => {
        const r = gen.next().value;
        return { routingKey: `app.${index.name}`, body: r.body, options: { messageId: r.messageId } };
      }),
    );
    await waitFor("records stored", async () => (await engineCount(index.name)) === N);
  });

  afterAll(async () => {
    await collector?.stop();
    if (index) await dropTestIndex(index);
  });

  it("finds every line of each template with the template's query, whatever its punctuation and script", async () => {
    const r = await get<PatternsResult>(patternsGET, "/patterns", range);
    expect(r.sampleSize).toBe(N);
    expect(r.patterns.length).toBeGreaterThan(20);
    for (const p of r.patterns) {
      expect(p.query, p.template).not.toBe("");
      // The query's matches, clustered again: the template comes back with all of its lines.
      const again = await get<PatternsResult>(patternsGET, "/patterns", { ...range, q: p.query });
      const same = again.patterns.find((x) => x.id === p.id);
      expect({ template: p.template, count: same?.count }).toEqual({ template: p.template, count: p.count });
    }
  });
});
