/**
 * Reading day by day on the real engine: a first page that fills from today's table reads no other day (and says
 * its total is partial); paging down and back up across days returns every record once, in order; a rare word
 * that is only on an old day is found through the second read, with the exact total.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import { DAY_MS } from "@/lib/engine/retention";
import { encodeCursor } from "@/lib/query/cursor";
import { grepParamsSchema } from "@/lib/query/schema";
import { searchRecords } from "@/lib/query/search-records";
import type { GrepResult } from "./wire";
import {
  collectorEnv,
  createTestIndex,
  dropTestIndex,
  engine,
  engineCount,
  publish,
  waitFor,
} from "@/test/helpers";

let collector: Collector;
let index: LoggerIndex;
const now = Date.now();
// 30 records an hour apart going back from now, and a few on the day three days ago.
const times = [
  ...Array.from({ length: 30 }, (_, i) => now - i * 3_600_000),
  ...Array.from({ length: 5 }, (_, i) => now - 3 * DAY_MS - i * 60_000),
];

const grep = (q: Record<string, string>) => searchRecords(engine(), index, grepParamsSchema.parse(q));

beforeAll(async () => {
  index = await createTestIndex({ retentionDays: 7 });
  collector = new Collector(collectorEnv(), { log: () => undefined });
  await collector.start();
  await publish(
    times.map((ts, i) => ({
      routingKey: `logstash.${index.name}.days`,
      body: {
        message: `line ${i}${i === 33 ? " needle" : ""}`,
        "@timestamp": new Date(ts).toISOString(),
      },
    })),
  );
  await waitFor("records indexed", async () => (await engineCount(index.name)) === times.length, 60_000);
});

afterAll(async () => {
  await collector.stop();
  await dropTestIndex(index);
});

describe("searchRecords day by day", () => {
  it("fills a first page from today without reading older days, and says its total is partial", async () => {
    const todays = times.filter((t) => Math.floor(t / DAY_MS) >= Math.floor(now / DAY_MS)).length;
    const page = await grep({ limit: "1" });
    expect(page.records[0]!.ts).toBe(now);
    expect(page.totalComplete).toBe(todays > 1 ? false : true);
    // It counts what it read: today's newest hours, as far back as it took to fill the page.
    if (todays > 1) expect(page.total).toBeGreaterThanOrEqual(2);
    if (todays > 1) expect(page.total).toBeLessThanOrEqual(todays);
  });

  it("pages down across days and back up with every record once, in order", async () => {
    const down: GrepResult["records"] = [];
    let before: string | null = null;
    for (let i = 0; i < 20; i++) {
      const page: GrepResult = await grep({ limit: "4", ...(before ? { before } : {}) });
      down.push(...page.records);
      before = page.cursors.older;
      if (!before) break;
    }
    expect(down.map((r) => r.ts)).toEqual([...times].sort((a, b) => b - a));

    const up: GrepResult["records"] = [];
    const oldest = down[down.length - 1]!;
    let after = encodeCursor({ ts: oldest.ts, seq: oldest.seq, id: oldest.id });
    for (let i = 0; i < 20; i++) {
      const page: GrepResult = await grep({ limit: "4", after });
      if (page.records.length === 0) break;
      up.unshift(...page.records);
      after = page.cursors.newer!;
    }
    expect(up.map((r) => r.id)).toEqual(down.slice(0, -1).map((r) => r.id));
  });

  it("finds a word that is only on an old day, with the exact total", async () => {
    const page = await grep({ q: "needle" });
    expect(page.records.map((r) => r.message)).toEqual(["line 33 needle"]);
    expect(page.total).toBe(1);
    expect(page.totalComplete).toBe(true);
  });
});
