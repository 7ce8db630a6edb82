/** The shared AMQP connection against the real broker, cut and restored through a TCP proxy. */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTcpProxy, targetOf } from "@/test/tcp-proxy";
import { waitFor } from "@/test/helpers";
import { AmqpConnection, openChannel, publishAndConfirm, type ConnectFailure } from "./amqp-connection";

const broker = () => targetOf(process.env.AMQP_URL!, 5672);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

describe("AmqpConnection", () => {
  it("reconnects with backoff after a lost connection and runs its setup again on the new one", async () => {
    const proxy = await startTcpProxy(broker());
    cleanup.push(() => proxy.close());
    const queue = `amqp-connection-${randomUUID()}`;
    const events: string[] = [];
    const failures: ConnectFailure[] = [];
    const conn = new AmqpConnection({
      url: proxy.url(process.env.AMQP_URL!),
      backoff: { initialDelayMs: 50, maxDelayMs: 200 },
      setup: async (c) => {
        const ch = await openChannel(c, { confirm: true, closesConnection: true });
        // Exclusive: the broker deletes it with the connection, so only the setup on the new one brings it back.
        await ch.assertQueue(queue, { exclusive: true });
        return ch;
      },
      onConnected: ({ attempt }) => events.push(`connected on attempt ${attempt}`),
      onDisconnected: () => events.push("disconnected"),
      onConnectFailed: (f) => failures.push(f),
    });
    cleanup.push(() => conn.close());

    const first = await conn.connect();
    expect(first?.attempt).toBe(1);
    expect(conn.link).toBe(first);

    await proxy.down();
    await waitFor("the loss noticed", () => Promise.resolve(conn.link === null), 10_000);
    expect(first!.lost.aborted).toBe(true);
    const reconnecting = conn.connect();
    await waitFor("two failed attempts", () => Promise.resolve(failures.length >= 2), 10_000);
    expect(failures.slice(0, 2).map((f) => [f.attempt, f.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
    await proxy.up();
    const second = await reconnecting;
    expect(second).not.toBe(first);
    expect(second!.attempt).toBeGreaterThan(2);
    expect(conn.failedAttempts).toBe(0);
    expect(events).toEqual([
      "connected on attempt 1",
      "disconnected",
      `connected on attempt ${second!.attempt}`,
    ]);

    await publishAndConfirm(second!.state, "", [{ routingKey: queue, content: Buffer.from("after") }]);
    const got = await conn.withChannel((ch) => ch.get(queue, { noAck: true }));
    expect(got && got.content.toString()).toBe("after");
  });

  it("tries once when asked to, and stops trying once closed", async () => {
    const proxy = await startTcpProxy(broker());
    const url = proxy.url(process.env.AMQP_URL!);
    await proxy.close();
    const failures: ConnectFailure[] = [];
    const conn = new AmqpConnection({
      url,
      backoff: { initialDelayMs: 50, maxDelayMs: 50 },
      onConnectFailed: (f) => failures.push(f),
    });
    await expect(conn.connectOnce()).rejects.toThrow();
    // A single attempt is the caller's to report.
    expect(failures).toEqual([]);
    const trying = conn.connect();
    await waitFor("a failed attempt", () => Promise.resolve(failures.length > 0), 10_000);
    await conn.close();
    expect(await trying).toBeNull();
  });
});
