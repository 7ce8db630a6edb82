/**
 * The collector process SIGKILLed three times at random points of a 100k-record stream, while the stream is still
 * being published, and restarted each time: at the end the engine holds every published record exactly once.
 * Unacked batches are redelivered to the next collector and their ids come from the message id, so a batch that
 * was stored but not acked replaces itself. The kill points come from a seeded generator: FAULTS_SEED replays them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engine, engineCount, uniqueName, waitFor } from "../helpers";
import { publishNumbered, QueueWatch, seededRandom, seqFigures, sleep, wholeStream } from "./numbered-stream";
import {
  collectorCounters,
  startCollector,
  waitUntilServing,
  type CollectorProcess,
} from "./collector-process";

const TOTAL = 100_000;
const KILLS = 3;

describe("collector killed mid-stream", () => {
  let index: LoggerIndex;
  beforeAll(async () => {
    index = await createTestIndex();
  });
  afterAll(async () => {
    await dropTestIndex(index);
  });

  it("stores every record of a 100k stream exactly once across three SIGKILLs and restarts", async () => {
    const seed = Number(process.env.FAULTS_SEED) || Date.now() % 2 ** 31;
    const random = seededRandom(seed);
    // Kill points spread over the stream (by records stored), at least a tenth apart, each a little after the
    // point so the kill lands inside a batch rather than just after an ack.
    const points: number[] = [];
    while (points.length < KILLS) {
      const p = 0.05 + random() * 0.85;
      if (points.every((q) => Math.abs(q - p) >= 0.1)) points.push(p);
    }
    points.sort((a, b) => a - b);
    console.log(`[collector-kill] seed ${seed}; kill points ${points.map((p) => p.toFixed(2)).join(", ")}`);

    const queue = new QueueWatch(index.queueName);
    const started = Date.now();
    const publisher = publishNumbered({
      routingKey: `app.${index.name}`,
      total: TOTAL,
      // About the pace a collector keeps on these machines, so the kills fall while the stream is still coming.
      ratePerSec: 4000,
      runId: uniqueName("kill"),
    });
    let collector: CollectorProcess = await startCollector();
    const processes: CollectorProcess[] = [collector];
    let received = 0;
    let restartedAt = started;
    try {
      for (const [i, p] of points.entries()) {
        const target = Math.floor(p * TOTAL);
        await waitFor(
          `${target} records stored before kill ${i + 1}`,
          async () => {
            if (!collector.alive()) throw new Error(`collector died:\n${collector.output()}`);
            return (await engineCount(index.name)) >= target;
          },
          120_000,
        );
        await sleep(random() * 400);
        // Read just before the kill; what arrives in between is missed, so the redeliveries shown are a floor.
        received += (await collectorCounters(collector, index.name).catch(() => null))?.received ?? 0;
        const stored = await engineCount(index.name);
        await collector.kill9();
        console.log(
          `[collector-kill] kill ${i + 1} at ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
            `${stored} stored, ${publisher.confirmed()} published`,
        );
        collector = await startCollector();
        restartedAt = Date.now();
        processes.push(collector);
        const next = collector;
        await waitFor(
          `the collector of restart ${i + 1} acking`,
          async () => {
            if (!next.alive()) throw new Error(`collector died:\n${next.output()}`);
            return (await collectorCounters(next, index.name)).indexed > 0;
          },
          60_000,
        );
        console.log(
          `[collector-kill] restart ${i + 1}: the new collector acked its first batch ` +
            `${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the kill`,
        );
      }
      const publishedAt = await publisher.done;
      await waitUntilServing(collector);
      await waitFor(
        "every record stored",
        async () => {
          if (!collector.alive()) throw new Error(`collector died:\n${collector.output()}`);
          return (await engineCount(index.name)) >= TOTAL;
        },
        180_000,
      );
      const drainedAt = Date.now();
      received += (await collectorCounters(collector, index.name)).received;
      // A graceful stop acks what the collector holds; an empty queue then means every message was acked.
      expect(await collector.terminate()).toBe(0);
      const depth = await queue.depth();
      const figures = await seqFigures(engine(), index.name);
      console.log(
        `[collector-kill] ${TOTAL} published in ${((publishedAt - started) / 1000).toFixed(1)} s; all stored ` +
          `${((drainedAt - started) / 1000).toFixed(1)} s after the first record, ` +
          `${((drainedAt - publishedAt) / 1000).toFixed(1)} s after the last was published ` +
          `(${((drainedAt - restartedAt) / 1000).toFixed(1)} s after the last restart); ` +
          `deliveries ${received} for ${TOTAL} records: at least ${received - TOTAL} redelivered; ` +
          `figures ${JSON.stringify(figures)}; queue left ${depth.messageCount}`,
      );
      expect(figures).toEqual(wholeStream(TOTAL));
      expect(depth.messageCount).toBe(0);
      expect(received).toBeGreaterThanOrEqual(TOTAL);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nlast collector's output:\n${collector.output()}`);
    } finally {
      await publisher.close();
      for (const c of processes) await c.kill9();
      await queue.close();
    }
  }, 420_000);
});
