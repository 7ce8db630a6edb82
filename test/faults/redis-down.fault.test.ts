/**
 * Redis taken away from the collector for 20 s mid-stream (a loopback proxy in front of the shared Redis drops
 * every connection and refuses new ones), then given back.
 *
 * What the collector does (lib/collector/index-consumer.ts): each batch is written to the engine first, then the
 * values of its filtered columns are saved to Redis, then it is acked. While Redis is away the save fails (ioredis
 * gives up on a command after two failed reconnects, `maxRetriesPerRequest: 2`) and is retried with bounded
 * backoff for as long as it takes, so the batch stays unacked; acks go out in batch order, so every later batch
 * waits behind it. Engine writes of later batches go on until prefetch (three batches) is unacked, then
 * deliveries stop and the stream waits in the queue. So the collector writes the engine, then waits without
 * acking: nothing is lost, the process stays up, and once Redis is back the held batches save their values, are
 * acked, and the backlog drains.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { valuesKey } from "@/lib/collector/field-values";
import { createTestIndex, dropTestIndex, engine, engineCount, uniqueName, waitFor } from "../helpers";
import { startTcpProxy, targetOf, type TcpProxy } from "../tcp-proxy";
import { publishNumbered, QueueWatch, seqFigures, sleep, wholeStream } from "./numbered-stream";
import {
  collectorCounters,
  startCollector,
  waitUntilServing,
  type CollectorProcess,
} from "./collector-process";

const TOTAL = 40_000;
const RATE = 1000;
const BATCH_SIZE = 1000;
const OUTAGE_MS = 20_000;
/** One host name per second of the stream, so the values saved to Redis show which seconds made it. */
const hostOf = (seq: number) => `redis-down-${Math.floor(seq / RATE)}`;

describe("Redis down under the collector", () => {
  let index: LoggerIndex;
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(targetOf(process.env.REDIS_URL!, 6379));
    index = await createTestIndex();
  });
  afterAll(async () => {
    await proxy?.close();
    if (index) await dropTestIndex(index);
  });

  it("holds its acks while Redis is away, never crashes, and stores, acks and records everything after", async () => {
    const queue = new QueueWatch(index.queueName);
    const redis = new Redis(process.env.REDIS_URL!);
    const hostsKey = valuesKey(process.env.REDIS_PREFIX!, index.name, "host");
    let collector: CollectorProcess | null = null;
    const publisher = publishNumbered({
      routingKey: `app.${index.name}`,
      total: TOTAL,
      ratePerSec: RATE,
      runId: uniqueName("redis"),
      body: (seq) => ({ host: hostOf(seq) }),
    });
    try {
      collector = await startCollector({
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        BATCH_SIZE: String(BATCH_SIZE),
      });
      const c = collector;
      const counters = () => collectorCounters(c, index.name);
      const mustLive = () => {
        if (!c.alive()) throw new Error(`collector exited (code ${c.child.exitCode})`);
      };
      await waitUntilServing(c);
      await waitFor(
        "a quarter of the stream acked",
        async () => (await counters()).indexed >= TOTAL / 4,
        60_000,
      );

      const before = await counters();
      await proxy.down();
      const downAt = Date.now();
      // A batch whose values were saved just before the cut may still be acked.
      await sleep(3_000);
      const held = await counters();
      const heldDepth = await queue.depth();
      const samples: { indexed: number; stored: number; ready: number }[] = [];
      while (Date.now() - downAt < OUTAGE_MS) {
        await sleep(1_000);
        mustLive();
        samples.push({
          indexed: (await counters()).indexed,
          stored: await engineCount(index.name),
          ready: (await queue.depth()).messageCount,
        });
      }
      const last = samples[samples.length - 1]!;
      const during = await counters();
      console.log(
        `[redis-down] Redis down at ${held.indexed} acked; after ${(OUTAGE_MS / 1000).toFixed(0)} s: ` +
          `${during.indexed} acked, ${last.stored} in the engine (${last.stored - during.indexed} stored but ` +
          `unacked), ${last.ready} waiting in the queue (was ${heldDepth.messageCount}), ` +
          `${during.retries - before.retries} retries logged`,
      );
      // Nothing acked while Redis is away, the engine holds at most the prefetched batches beyond the acked ones,
      // and the stream piles up in the queue instead.
      expect(samples.every((s) => s.indexed === held.indexed)).toBe(true);
      expect(last.stored - during.indexed).toBeLessThanOrEqual(3 * BATCH_SIZE);
      expect(last.ready).toBeGreaterThan(heldDepth.messageCount);
      expect(during.retries).toBeGreaterThan(before.retries);
      const said = c
        .output()
        .split("\n")
        .filter((l) => l.includes("save field values"));
      console.log(`[redis-down] the collector's last retry: ${said.at(-1)}`);

      await proxy.up();
      const upAt = Date.now();
      await waitFor("acks resume", async () => (await counters()).indexed > held.indexed, 60_000);
      const resumedAt = Date.now();
      await publisher.done;
      await waitFor(
        "every record stored and acked",
        async () => {
          mustLive();
          return (await counters()).indexed >= TOTAL && (await queue.depth()).messageCount === 0;
        },
        120_000,
      );
      const drainedAt = Date.now();
      const after = await counters();
      expect(await c.terminate()).toBe(0);
      const figures = await seqFigures(engine(), index.name);
      const hosts = await redis.zrange(hostsKey, "0", "-1");
      const expectedHosts = Array.from({ length: TOTAL / RATE }, (_, s) => hostOf(s * RATE));
      console.log(
        `[redis-down] Redis back after ${((upAt - downAt) / 1000).toFixed(1)} s; acks resumed ` +
          `${((resumedAt - upAt) / 1000).toFixed(1)} s later; backlog drained ` +
          `${((drainedAt - upAt) / 1000).toFixed(1)} s after Redis returned; ${after.indexed} acked, ` +
          `${after.received} received; ${hosts.length} host values in Redis; figures ${JSON.stringify(figures)}`,
      );
      expect(figures).toEqual(wholeStream(TOTAL));
      // One channel throughout, so nothing was redelivered: each record acked once.
      expect(after.indexed).toBe(TOTAL);
      expect((await queue.depth()).messageCount).toBe(0);
      // The values of every second of the stream, the outage's included, reached Redis.
      expect(hosts.sort()).toEqual(expectedHosts.sort());
    } catch (err) {
      throw new Error(`${(err as Error).message}\ncollector output:\n${collector?.output()}`);
    } finally {
      await publisher.close();
      await collector?.kill9();
      await queue.close();
      redis.disconnect();
    }
  }, 300_000);
});
