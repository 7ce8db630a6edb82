/**
 * The consumer's byte bound: with 1 MiB allowed in flight, 300 records of ~100 KB (30 MiB, 30 times the bound)
 * still all arrive. The consumer pauses when the bytes it holds reach the bound, writes what it has and resumes
 * once the acks have freed half of it, with a prefetch window sized by the records seen, so a stream of big
 * records is written in small batches rather than piling up in the collector's heap.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import { collectorEnv, createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "@/test/helpers";

let collector: Collector;
let index: LoggerIndex;
const logs: string[] = [];

beforeAll(async () => {
  index = await createTestIndex();
  collector = new Collector(collectorEnv({ MAX_INFLIGHT_BYTES: String(2 ** 20) }), {
    log: (l) => logs.push(l),
  });
  await collector.start();
});

afterAll(async () => {
  await collector.stop();
  await dropTestIndex(index);
});

it("indexes records 30 times the in-flight byte bound, pausing and resuming as acks free it", async () => {
  const padding = "x".repeat(100_000);
  const now = Date.now();
  await publish(
    Array.from({ length: 300 }, (_, i) => ({
      routingKey: `logstash.${index.name}.big`,
      body: { message: `big record ${i} ${padding}`, "@timestamp": new Date(now - i).toISOString() },
    })),
  );
  await waitFor("all 300 big records indexed", async () => (await engineCount(index.name)) === 300, 60_000);
  expect(logs.filter((l) => /resume failed|not stored|not acked/.test(l))).toEqual([]);
  expect(collector.metrics.value("paused", { index: index.name })).toBeGreaterThan(0);
});
