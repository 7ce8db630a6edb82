/**
 * The collector process killed with SIGKILL mid-stream and restarted: the engine ends with exactly the records
 * published, none lost and none twice (ids come from the message, so a redelivered batch replaces itself).
 */
import amqp from "amqplib";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engine, engineCount, publish, waitFor } from "./helpers";

const root = path.resolve(import.meta.dirname, "..");

const outputs = new WeakMap<ChildProcess, string[]>();

function startCollector(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/collector.ts")], {
    cwd: root,
    env: {
      ...process.env,
      METRICS_PORT: "0",
      INDEX_REFRESH_MS: "300",
      BATCH_SIZE: "500",
      BATCH_MAX_WAIT_MS: "50",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Kept for the failure message: what the collector said last.
  const tail: string[] = [];
  const keep = (b: Buffer) =>
    tail.push(...b.toString().split("\n").filter(Boolean)) && tail.splice(0, Math.max(0, tail.length - 20));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  outputs.set(child, tail);
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

describe("collector crash", () => {
  let index: LoggerIndex;
  beforeAll(async () => {
    index = await createTestIndex();
  });
  afterAll(async () => {
    await dropTestIndex(index);
  });

  it("loses and duplicates nothing when SIGKILLed mid-stream and restarted", async () => {
    const total = 30_000;
    const now = Date.now();
    const messages = Array.from({ length: total }, (_, i) => ({
      routingKey: `app.${index.name}`,
      // Identical text and time on purpose: the message id is what keeps them apart.
      body: { message: "same line", level: "info", timestamp: new Date(now - 1000).toISOString(), i },
      options: { messageId: `crash-${i}` },
    }));
    await publish(messages);

    let collector = startCollector();
    try {
      for (let kill = 1; kill <= 3; kill++) {
        const target = (total * kill) / 4;
        await waitFor(
          `${target} records before kill ${kill}`,
          async () => (await engineCount(index.name)) >= target,
          60_000,
        );
        await kill9(collector);
        collector = startCollector();
      }
      await waitFor("every record indexed", async () => (await engineCount(index.name)) >= total, 90_000);
      // Let any redelivered batch land before counting again.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await engineCount(index.name)).toBe(total);
      const rows = await engine().query<{ i: string }>(
        `SELECT js.i AS i FROM ${index.name} LIMIT ${total + 10} OPTION max_matches=${total + 10}`,
      );
      expect(new Set(rows.map((r) => Number(r.i))).size).toBe(total);
    } catch (err) {
      throw new Error(`${(err as Error).message}\ncollector output:\n${outputs.get(collector)?.join("\n")}`);
    } finally {
      await kill9(collector);
    }
  });

  it("on SIGTERM stores and acks everything it received, then exits 0", async () => {
    const stopIndex = await createTestIndex();
    try {
      const total = 20_000;
      await publish(
        Array.from({ length: total }, (_, i) => ({
          routingKey: `app.${stopIndex.name}`,
          body: { message: `line ${i}`, timestamp: new Date().toISOString() },
          options: { messageId: `stop-${i}` },
        })),
      );
      const collector = startCollector();
      await waitFor("some records stored", async () => (await engineCount(stopIndex.name)) >= 4000, 60_000);
      const exited = new Promise<number | null>((r) => collector.once("exit", (code) => r(code)));
      collector.kill("SIGTERM");
      expect(await exited).toBe(0);
      const conn = await amqp.connect(process.env.AMQP_URL!);
      try {
        const { messageCount } = await (await conn.createChannel()).checkQueue(stopIndex.queueName);
        // Stored plus still queued is exactly what was published: nothing acked unstored, nothing stored twice.
        expect((await engineCount(stopIndex.name)) + messageCount).toBe(total);
      } finally {
        await conn.close();
      }
    } finally {
      await dropTestIndex(stopIndex);
    }
  });
});
