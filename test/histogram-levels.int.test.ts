/**
 * The histogram's counts per level on real services: records of every kind of level published through RabbitMQ
 * and a real collector, then each bucket's count per level compared with a count of that level alone, by the
 * filter the reader's legend sets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { GET as histogramGET } from "@/app/api/grep/[logger]/histogram/route";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult, Histogram, HistogramLevel } from "@/lib/query/wire";
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
/** 150 records, one every 4 s over 10 minutes from T0 (two hours ago, on a minute boundary). */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
const N = 150;

/** Levels as producers write them, and the class each is counted in. */
const LEVELS: [raw: string | number | undefined, cls: HistogramLevel][] = [
  ["error", "error"],
  ["ERR", "error"],
  [50, "error"],
  ["warn", "warn"],
  ["WARNING", "warn"],
  ["info", "info"],
  ["http", "info"],
  ["debug", "debug"],
  ["verbose", "debug"],
  ["fatal", "other"],
  ["trace", "other"],
  ["notice", "other"],
  ["audit", "other"],
  ["", "other"],
  [undefined, "other"],
];
// Uneven over the buckets, so that one level's counts cannot pass for another's.
const levelOf = (i: number) => LEVELS[(i * 7 + Math.floor(i / 11)) % LEVELS.length]!;

const NAMED = ["error", "warn", "info", "debug"] as const;
/** The filters that count one class alone: a level, or every level but the named ones. */
const FILTERS: Record<HistogramLevel, string[]> = {
  ...(Object.fromEntries(NAMED.map((l) => [l, [`level:${l}`]])) as Record<(typeof NAMED)[number], string[]>),
  other: NAMED.map((l) => `-level:${l}`),
};

describe("histogram per level", () => {
  const env = collectorEnv();
  let collector: Collector;
  let index: LoggerIndex;
  const range = { from: String(T0), to: String(T0 + 10 * MIN - 1), buckets: "10" };

  const get = async <T>(handler: RouteHandler, suffix: string, query: Record<string, string | string[]>) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) sp.append(k, x);
    const res = await callRoute<T>(handler, `/api/grep/${index.name}${suffix}?${sp}`, {
      params: { logger: index.name },
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    index = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    await publish(
      Array.from({ length: N }, (_, i) => {
        const [raw] = levelOf(i);
        return {
          routingKey: `app.${index.name}`,
          body: {
            timestamp: new Date(T0 + i * 4_000).toISOString(),
            message: `line ${i}${i % 3 === 0 ? " payment" : ""}`,
            host: `web-${i % 2}`,
            ...(raw === undefined ? {} : { level: raw }),
          },
          options: { messageId: `lvl-${i}` },
        };
      }),
    );
    await waitFor("records stored", async () => (await engineCount(index.name)) === N);
  });

  afterAll(async () => {
    await collector?.stop();
    if (index) await dropTestIndex(index);
  });

  it("counts each bucket per level as the seed has them, the bucket's count their sum", async () => {
    const h = await get<Histogram>(histogramGET, "/histogram", range);
    expect(h.bucketMs).toBe(MIN);
    expect(h.buckets).toHaveLength(10);
    h.buckets.forEach((b, k) => {
      const expected = { error: 0, warn: 0, info: 0, debug: 0, other: 0 };
      for (let i = 0; i < N; i++) if (Math.floor((i * 4_000) / MIN) === k) expected[levelOf(i)[1]]++;
      expect({ t: b.t, levels: b.levels }).toEqual({ t: T0 + k * MIN, levels: expected });
      expect(b.count).toBe(Object.values(b.levels).reduce((n, c) => n + c, 0));
    });
    expect(h.total).toBe(N);
    for (const cls of Object.keys(h.levels) as HistogramLevel[])
      expect(h.levels[cls]).toBe(h.buckets.reduce((n, b) => n + b.levels[cls], 0));
  });

  const scopes: { q?: string; filter?: string }[] = [{}, { q: "payment", filter: "host:web-0" }];
  for (const { filter: extra, ...words } of scopes) {
    const scope: Record<string, string> = { ...words, ...(extra ? { filter: extra } : {}) };
    it(`gives every level the counts a query for that level alone finds (${JSON.stringify(scope)})`, async () => {
      const all = await get<Histogram>(histogramGET, "/histogram", { ...range, ...scope });
      expect(all.total).toBeGreaterThan(0);
      for (const cls of ["error", "warn", "info", "debug", "other"] as const) {
        const filter = [...(extra ? [extra] : []), ...FILTERS[cls]];
        const alone = await get<Histogram>(histogramGET, "/histogram", { ...range, ...scope, filter });
        expect({ cls, counts: all.buckets.map((b) => b.levels[cls]) }).toEqual({
          cls,
          counts: alone.buckets.map((b) => b.count),
        });
        // And as the grep API counts the lines themselves.
        const lines = await get<GrepResult>(grepGET, "", {
          from: range.from,
          to: range.to,
          ...scope,
          filter,
          limit: "500",
        });
        expect(lines.totalComplete).toBe(true);
        expect({ cls, total: all.levels[cls] }).toEqual({ cls, total: lines.total });
        expect(lines.records.length).toBe(lines.total);
      }
    });
  }
});
