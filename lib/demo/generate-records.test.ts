import { describe, it, expect } from "vitest";
import { normalizeRecord, type NormalizedRecord } from "@/lib/records/normalize-record";
import {
  createRecordGenerator,
  DEMO_HOSTS,
  DEMO_LOGGERS,
  type GeneratedRecord,
  type RecordGeneratorOptions,
} from "./generate-records";

const START = Date.UTC(2026, 10, 21, 10, 0, 0);

function take(opts: RecordGeneratorOptions, n: number): GeneratedRecord[] {
  const gen = createRecordGenerator(opts);
  return Array.from({ length: n }, () => gen.next().value);
}

function normalize(r: GeneratedRecord): NormalizedRecord {
  const result = normalizeRecord(
    {
      body: Buffer.from(JSON.stringify(r.body)),
      routingKey: r.routingKey,
      messageId: r.messageId,
      receivedAt: Date.now(),
    },
    { maxBytes: 2 * 1024 * 1024, logcollectTimeZone: "UTC" },
  );
  if (!result.ok) throw new Error(`${r.messageId} rejected: ${result.reason}\n${JSON.stringify(r.body)}`);
  return result.record;
}

describe("createRecordGenerator", () => {
  const records = take({ seed: 7, startMs: START, ratePerSec: 20 }, 10_000);

  it("gives the same records for the same seed and different ones for another seed", () => {
    const a = take({ seed: 42, startMs: START, ratePerSec: 100 }, 2000);
    const b = take({ seed: 42, startMs: START, ratePerSec: 100 }, 2000);
    const c = take({ seed: 43, startMs: START, ratePerSec: 100 }, 2000);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(c.map((r) => r.line)).not.toEqual(a.map((r) => r.line));
  });

  it("mixes about 40% logcollect, 40% winston and 20% pino, each shaped as its library writes it", () => {
    const counts = { logcollect: 0, winston: 0, pino: 0 };
    for (const r of records) {
      counts[r.format]++;
      const b = r.body;
      if (r.format === "logcollect") {
        expect(b["@version"]).toBe("1");
        expect(b.type).toBe("logcollect");
        expect(b["@timestamp"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
        expect(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]).toContain(b.levelname);
        expect(Array.isArray(b.tags)).toBe(true);
      } else if (r.format === "winston") {
        expect(["error", "warn", "info", "http", "verbose", "debug"]).toContain(b.level);
        expect(typeof b.message).toBe("string");
        expect(b.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      } else {
        expect([10, 20, 30, 40, 50, 60]).toContain(b.level);
        expect(typeof b.time).toBe("number");
        expect(typeof b.msg).toBe("string");
        expect(typeof b.pid).toBe("number");
      }
    }
    expect(counts.logcollect / records.length).toBeCloseTo(0.4, 1);
    expect(counts.winston / records.length).toBeCloseTo(0.4, 1);
    expect(counts.pino / records.length).toBeCloseTo(0.2, 1);
  });

  it("gives a per-host seq to logcollect records", () => {
    const last = new Map<unknown, number>();
    for (const r of records.filter((x) => x.format === "logcollect")) {
      const seq = r.body.seq as number;
      expect(seq).toBe((last.get(r.body.host) ?? 0) + 1);
      last.set(r.body.host, seq);
    }
  });

  it("produces records the collector accepts, with their time, host, logger and level lifted out", () => {
    const levels = new Map<string, number>();
    for (const r of records) {
      const n = normalize(r);
      expect(n.ts).toBe(r.ts);
      expect(DEMO_HOSTS).toContain(n.host);
      expect(DEMO_LOGGERS).toContain(n.logger);
      expect(r.routingKey).toBe(`logstash.demo.${n.logger}`);
      expect(n.lvl).toBeGreaterThan(0);
      levels.set(n.level, (levels.get(n.level) ?? 0) + 1);
    }
    const share = (l: string) => (levels.get(l) ?? 0) / records.length;
    expect(share("info")).toBeGreaterThan(0.5);
    expect(share("warn")).toBeGreaterThan(0.08);
    expect(share("warn")).toBeLessThan(0.3);
    expect(share("error") + share("fatal")).toBeGreaterThan(0.01);
    expect(share("error") + share("fatal")).toBeLessThan(0.12);
    // 10,000 records through the normaliser: seconds on a slow, busy CI machine, not a speed check.
  }, 60_000);

  it("includes multi-line stack traces, HTTP lines with error statuses, and non-ASCII text", () => {
    const lines = records.map((r) => r.line);
    expect(lines.some((l) => l.includes("Traceback (most recent call last):"))).toBe(true);
    expect(lines.some((l) => /\n {4}at .+\.js:\d+:\d+\)/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("\tat com.example."))).toBe(true);
    expect(lines.some((l) => / (GET|POST|PUT|DELETE) \/\S+ 5\d\d \d+ms/.test(l))).toBe(true);
    expect(lines.some((l) => / GET \/\S+ 404 \d+ms/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("café"))).toBe(true);
    expect(lines.some((l) => l.includes("日本語"))).toBe(true);
    expect(lines.some((l) => /\p{Extended_Pictographic}/u.test(l))).toBe(true);
    expect(records.some((r) => r.format === "logcollect" && typeof r.body.exc_info === "string")).toBe(true);
  });

  it("writes each record as one text line starting with its time, host and logger", () => {
    for (const r of records.slice(0, 500)) {
      expect(r.line).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \S+\.prod\.local [a-z.]+\[[a-z]+\]: /,
      );
      expect(r.line.startsWith(new Date(r.ts).toISOString())).toBe(true);
    }
  });

  it("advances time at the requested rate and never steps back more than a few ms", () => {
    let max = -Infinity;
    for (const r of records) {
      expect(r.ts).toBeGreaterThan(max - 5);
      max = Math.max(max, r.ts);
    }
    const first = records[0] as GeneratedRecord;
    expect(Math.abs(first.ts - START)).toBeLessThanOrEqual(2);
    // 10k records at 20/s span about 500 s.
    expect((max - first.ts) / 1000).toBeGreaterThan(475);
    expect((max - first.ts) / 1000).toBeLessThan(525);
  });

  it("gives every record its own message id", () => {
    expect(new Set(records.map((r) => r.messageId)).size).toBe(records.length);
  });

  it("addresses the index and prefix it is given", () => {
    const [r] = take({ seed: 1, startMs: START, ratePerSec: 5, index: "shop", prefix: "apps" }, 1);
    expect(r?.routingKey).toMatch(/^apps\.shop\.[a-z.]+$/);
  });
});
