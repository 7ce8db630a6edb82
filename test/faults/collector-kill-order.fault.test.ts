/**
 * A winston app's lines keep their call order through a collector that is SIGKILLed mid-stream and restarted:
 * the batches it held unacked are redelivered to the next collector, which must put each line back in the place
 * it had, so the order cannot come from when or how often a collector received a message.
 */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import winston from "winston";
import type { LoggerIndex } from "@/db/schema";
import { AlcoTransport } from "@alco/winston-transport";
import * as alco from "@/packages/amqp-publisher/test/alco-harness";
import { createTestIndex, dropTestIndex, engineCount } from "../helpers";
import { QueueWatch, sleep } from "./numbered-stream";
import { startCollector, waitUntilServing, type CollectorProcess } from "./collector-process";
import { unackedByProcess } from "./unacked-by-process";
import { isTransientEngineError } from "@/lib/engine/engine-errors";

const TOTAL = 5000;
// Records stored before each kill. Batches of 10 make the stream last a few seconds, so each kill lands inside it.
const KILL_AT = [1000, 2500];
const SETTINGS = { BATCH_SIZE: "10", BATCH_MAX_WAIT_MS: "50" };

/** Waits, polling often, until the engine holds at least `n` records of the index. */
async function storedAtLeast(index: string, n: number, collector: CollectorProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!collector.alive()) throw new Error(`collector died:\n${collector.output()}`);
    // searchd restarting (its supervisor brings it back) is the collector's to wait out, and so this poll's.
    const stored = await engineCount(index).catch((err: unknown) => {
      if (isTransientEngineError(err)) return -1;
      throw err;
    });
    if (stored >= n) return;
    if (Date.now() > deadline) throw new Error(`${stored} records stored after 60 s, waiting for ${n}`);
    await sleep(5);
  }
}

describe("winston lines through a collector killed mid-stream", () => {
  let index: LoggerIndex;
  beforeAll(async () => {
    index = await createTestIndex();
  });
  afterAll(async () => {
    await dropTestIndex(index);
  });

  it("keeps the call order of 5000 lines logged in one tight loop across two SIGKILLs and restarts", async () => {
    const transport = new AlcoTransport({
      url: process.env.AMQP_URL!,
      exchange: process.env.AMQP_EXCHANGE!,
      logger: index.name,
    });
    const logger = winston.createLogger({ transports: [transport] });
    const from = Date.now();
    for (let n = 0; n < TOTAL; n++) logger.info(`call ${n}`, { n });
    const finished = once(logger, "finish");
    logger.end();
    await finished;
    // All queued before a collector reads any: the collectors share one stream, the whole of it.
    expect(transport.stats()).toMatchObject({ confirmed: TOTAL, dropped: 0 });

    const queue = new QueueWatch(index.queueName);
    let collector = await startCollector(SETTINGS);
    const processes = [collector];
    try {
      for (const [i, target] of KILL_AT.entries()) {
        await storedAtLeast(index.name, target, collector);
        // Frozen first, so that what it holds unacked can be counted: all of it comes again after the kill.
        collector.child.kill("SIGSTOP");
        const held = await unackedByProcess(collector.child.pid!, process.env.AMQP_URL!);
        const stored = await engineCount(index.name);
        await collector.kill9();
        console.log(
          `[collector-kill-order] kill ${i + 1} with ${stored} of ${TOTAL} stored, ${held} delivered unacked`,
        );
        expect(stored).toBeLessThan(TOTAL);
        expect(held).toBeGreaterThan(0);
        collector = await startCollector(SETTINGS);
        processes.push(collector);
      }
      await waitUntilServing(collector);
      await alco.expectIndexed(index.name, TOTAL);
      expect(await collector.terminate()).toBe(0);
      expect((await queue.depth()).messageCount).toBe(0);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nlast collector's output:\n${collector.output()}`);
    } finally {
      for (const c of processes) await c.kill9();
      await queue.close();
    }

    const { down, up, largestPage } = await alco.grepBothWays(index.name, from, 100);
    // Many lines to a millisecond, or the order would come from time alone.
    expect(alco.mostInOneMs(down)).toBeGreaterThan(10);
    expect(largestPage).toBe(100);
    expect(alco.callOrder(down, TOTAL)).toEqual(alco.inCallOrder(TOTAL));
    expect(alco.callOrder(up, TOTAL)).toEqual(alco.inCallOrder(TOTAL));
  }, 180_000);
});
