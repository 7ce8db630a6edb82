/**
 * RabbitMQ going away under the agent: the agent talks to the broker through a TCP proxy on a free loopback
 * port that the test cuts and restores (the shared broker keeps running). Nothing is lost, every line arrives
 * once per message id (what the collector stores), in file order, and memory stays bounded meanwhile.
 */
import { randomUUID } from "node:crypto";
import { appendFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { QueueTap, tempDir } from "@/test/agent-kit";
import { startTcpProxy, targetOf, type TcpProxy } from "@/test/tcp-proxy";
import { waitFor } from "@/test/helpers";
import { Agent } from "./agent";

const broker = () => targetOf(process.env.AMQP_URL!, 5672);

const line = (i: number) => `2026-11-21T13:45:01.000Z INFO outage line ${i} ${"x".repeat(40)}`;
const block = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => line(from + i) + "\n").join("");

async function outageScenario(
  run: (s: { file: string; tap: QueueTap; proxy: TcpProxy; agent: () => Promise<Agent> }) => Promise<void>,
) {
  const { dir, cleanup } = await tempDir();
  const prefix = `outage${randomUUID().replace(/-/g, "").slice(0, 10)}`;
  const tap = await QueueTap.open(process.env.AMQP_URL!, process.env.AMQP_EXCHANGE!, `${prefix}.idx.app`);
  const proxy = await startTcpProxy(broker());
  const file = path.join(dir, "app.log");
  const logs: string[] = [];
  let agent: Agent | null = null;
  try {
    await run({
      file,
      tap,
      proxy,
      agent: async () => {
        agent = new Agent({
          url: proxy.url(process.env.AMQP_URL!),
          exchange: process.env.AMQP_EXCHANGE!,
          prefix,
          index: "idx",
          logger: "app",
          host: "test-host",
          tags: [],
          statePath: path.join(dir, "agent.json"),
          fromStart: true,
          format: "auto",
          patterns: [file],
          log: (l) => logs.push(l),
          pollMs: 50,
          globIntervalMs: 100,
          multilineIdleMs: 100,
          maxInFlight: 50,
          reconnectBaseDelayMs: 100,
          reconnectMaxDelayMs: 400,
        });
        await agent.start();
        return agent;
      },
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\nagent log:\n${logs.slice(-40).join("\n")}`);
  } finally {
    await proxy.up();
    await (agent as Agent | null)?.stop();
    await proxy.close();
    await tap.close();
    await cleanup();
  }
}

/** Every line once by message id, in file order; a message id seen twice carries the same record. */
function expectExactlyOnce(tap: QueueTap, total: number) {
  const unique = tap.unique();
  expect(unique.map((m) => m.body.message)).toEqual(Array.from({ length: total }, (_, i) => line(i)));
  const byId = new Map(unique.map((m) => [m.messageId, JSON.stringify(m.body)]));
  for (const m of tap.messages) expect(JSON.stringify(m.body)).toBe(byId.get(m.messageId));
}

describe("alco agent when RabbitMQ is down", () => {
  it("stops reading at its in-flight bound, keeps its place, and sends everything once the broker is back", () =>
    outageScenario(async ({ file, tap, proxy, agent: startAgent }) => {
      await writeFile(file, block(0, 500));
      const agent = await startAgent();
      await waitFor("first 500 lines", () => Promise.resolve(tap.unique().length >= 500), 15_000);

      await proxy.down();
      await waitFor("agent notices", () => Promise.resolve(!agent.stats().connected), 10_000);
      await appendFile(file, block(500, 3500));
      const size = (await stat(file)).size;
      // Reading stops: the position settles well short of the end of the file, with 50 records in flight.
      let last = -1;
      await waitFor(
        "reading to stop",
        async () => {
          await new Promise((r) => setTimeout(r, 300));
          const pos = agent.stats().files[0]!.position;
          const settled = pos === last;
          last = pos;
          return settled;
        },
        10_000,
      );
      const { files, inFlight } = agent.stats();
      expect(inFlight).toBeLessThanOrEqual(50);
      // Read but unconfirmed: at most the in-flight records plus one 64 KiB read chunk.
      expect(files[0]!.position - files[0]!.offset).toBeLessThan(50 * 100 + 64 * 1024);
      expect(files[0]!.position).toBeLessThan(size);

      await proxy.up();
      await waitFor("all 3500 lines", () => Promise.resolve(tap.unique().length >= 3500), 30_000);
      expectExactlyOnce(tap, 3500);
      expect(agent.stats().maxInFlightSeen).toBeLessThanOrEqual(51);
      await waitFor("offset committed to the end", () =>
        Promise.resolve(agent.stats().files[0]!.offset === size),
      );
    }));

  it("survives repeated cuts mid-stream without loss or duplicate records", () =>
    outageScenario(async ({ file, tap, proxy, agent: startAgent }) => {
      await writeFile(file, "");
      await startAgent();
      let midStream = 0;
      for (let round = 0; round < 4; round++) {
        await appendFile(file, block(round * 2000, round * 2000 + 2000));
        await waitFor(
          `some of round ${round}`,
          () => Promise.resolve(tap.unique().length > round * 2000 + 100),
          15_000,
        );
        if (tap.unique().length < round * 2000 + 2000) midStream++;
        await proxy.down();
        await new Promise((r) => setTimeout(r, 300));
        await proxy.up();
      }
      await waitFor("all 8000 lines", () => Promise.resolve(tap.unique().length >= 8000), 30_000);
      expect(midStream).toBeGreaterThan(0);
      expectExactlyOnce(tap, 8000);
    }));

  it("starts while the broker is unreachable and sends what it read once it can connect", () =>
    outageScenario(async ({ file, tap, proxy, agent: startAgent }) => {
      await proxy.down();
      await writeFile(file, block(0, 200));
      const agent = await startAgent();
      await new Promise((r) => setTimeout(r, 500));
      expect(agent.stats()).toMatchObject({ connected: false, confirmed: 0 });
      await proxy.up();
      await waitFor("all 200 lines", () => Promise.resolve(tap.unique().length >= 200), 15_000);
      expectExactlyOnce(tap, 200);
    }));
});
