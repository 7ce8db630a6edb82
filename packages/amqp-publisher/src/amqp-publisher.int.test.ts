/**
 * The publisher against the real RabbitMQ, read back from a queue of the test's own (no collector): what arrives,
 * how often, and with which properties. The engine's dedupe would hide a duplicate; here it shows.
 */
import amqp, { type Channel, type ChannelModel, type GetMessage } from "amqplib";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/helpers";
import { startTcpProxy, targetOf } from "@/test/tcp-proxy";
import { AmqpPublisher, type PublisherEvent, type PublisherOptions } from "./amqp-publisher";

const exchange = () => process.env.AMQP_EXCHANGE!;

describe("AmqpPublisher on RabbitMQ", () => {
  let conn: ChannelModel;
  let ch: Channel;

  beforeAll(async () => {
    conn = await amqp.connect(process.env.AMQP_URL!);
    ch = await conn.createChannel();
    await ch.assertExchange(exchange(), "topic", { durable: true });
  });

  afterAll(async () => {
    await conn.close();
  });

  /** A queue of the test's own that receives `logstash.<logger>`. */
  async function queueFor(logger: string, args: Record<string, unknown> = {}): Promise<string> {
    const { queue } = await ch.assertQueue("", { exclusive: true, arguments: args });
    await ch.bindQueue(queue, exchange(), `logstash.${logger}`);
    return queue;
  }

  async function drain(queue: string): Promise<GetMessage[]> {
    const got: GetMessage[] = [];
    for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true }))
      got.push(m);
    return got;
  }

  /** A connected publisher whose connection goes through a proxy the test controls, and its queue. */
  async function throughProxy() {
    const logger = `p_${randomUUID().slice(0, 8)}`;
    const queue = await queueFor(logger);
    const proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672), { ownProcess: true });
    const p = publisher(logger, { url: proxy.url(process.env.AMQP_URL!) });
    await waitFor("connected", () => Promise.resolve(p.stats().connected));
    return { queue, proxy, p };
  }

  /** The messageId of every copy of each record, by the record's `n`. */
  function messageIdsByN(messages: GetMessage[]): Map<number, string[]> {
    const ids = new Map<number, string[]>();
    for (const m of messages) {
      const { n } = JSON.parse(m.content.toString()) as { n: number };
      ids.set(n, [...(ids.get(n) ?? []), String(m.properties.messageId)]);
    }
    return ids;
  }

  function publisher(logger: string, opts: Partial<PublisherOptions> = {}) {
    return new AmqpPublisher({
      url: process.env.AMQP_URL!,
      exchange: exchange(),
      logger,
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      onWarning: () => undefined,
      ...opts,
    });
  }

  it("publishes persistent JSON with a unique messageId and the timestamp, to <prefix>.<logger>", async () => {
    const logger = `p_${randomUUID().slice(0, 8)}`;
    const queue = await queueFor(logger);
    const p = publisher(logger);
    p.publish({ message: "one", n: 1 }, Date.UTC(2026, 0, 2, 3, 4, 5));
    p.publish({ message: "two", n: 2 });
    expect(await p.close()).toMatchObject({ buffered: 0, published: 2, confirmed: 2, dropped: 0 });
    const [a, b] = await drain(queue);
    expect(JSON.parse(a!.content.toString())).toEqual({ message: "one", n: 1 });
    expect(a!.fields.routingKey).toBe(`logstash.${logger}`);
    expect(a!.properties).toMatchObject({
      contentType: "application/json",
      deliveryMode: 2,
      timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
    });
    expect(a!.properties.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(b!.properties.messageId).not.toBe(a!.properties.messageId);
  });

  it("send() resolves once its message is confirmed, with the caller's routing key and properties", async () => {
    const logger = `p_${randomUUID().slice(0, 8)}`;
    const queue = await queueFor(logger);
    const events: PublisherEvent[] = [];
    const p = publisher(`other_${logger}`, { mandatory: true, onEvent: (e) => events.push(e) });
    await p.send({
      body: Buffer.from('{"n":1}'),
      routingKey: `logstash.${logger}`,
      properties: { messageId: "fixed-id", appId: "test" },
    });
    const [m] = await drain(queue);
    expect(m!.properties).toMatchObject({ messageId: "fixed-id", appId: "test", deliveryMode: 2 });
    expect(JSON.parse(m!.content.toString())).toEqual({ n: 1 });
    // Mandatory: one no queue is bound for comes back, and is confirmed all the same.
    await p.send({ body: Buffer.from("{}"), routingKey: `nobody.${logger}` });
    expect(events).toEqual([
      { type: "connected", attempt: 1 },
      { type: "returned", routingKey: `nobody.${logger}` },
    ]);
    await p.close();
  });

  it("republishes what was in flight when the connection died, under the same messageId", async () => {
    const { queue, proxy, p } = await throughProxy();
    try {
      for (let cut = 0; cut < 3; cut++) {
        for (let i = 0; i < 1000; i++) p.publish({ message: `m ${cut * 1000 + i}`, n: cut * 1000 + i });
        await proxy.down();
        await proxy.up();
      }
      expect(await p.close()).toMatchObject({ buffered: 0, confirmed: 3000, dropped: 0 });
    } finally {
      await proxy.close();
    }
    const stats = p.stats();
    expect(stats.published).toBeGreaterThan(3000);

    const got = await drain(queue);
    const idsOfN = messageIdsByN(got);
    expect(idsOfN.size).toBe(3000);
    expect([...idsOfN.values()].every((ids) => new Set(ids).size === 1)).toBe(true);
  });

  it("sends a record whose confirm was lost again under the same messageId, so the copy can be told apart", async () => {
    const { queue, proxy, p } = await throughProxy();
    try {
      await proxy.mute();
      for (let n = 0; n < 500; n++) p.publish({ message: `m ${n}`, n });
      await waitFor("RabbitMQ has all 500", async () => (await ch.checkQueue(queue)).messageCount === 500);
      expect(p.stats()).toMatchObject({ confirmed: 0, buffered: 500 });
      await proxy.down();
      await proxy.up();
      expect(await p.close()).toMatchObject({ buffered: 0, published: 1000, confirmed: 500, dropped: 0 });
    } finally {
      await proxy.close();
    }
    const got = await drain(queue);
    expect(got).toHaveLength(1000);
    const idsOfN = messageIdsByN(got);
    expect(idsOfN.size).toBe(500);
    expect([...idsOfN.values()].every(([a, b, ...rest]) => a === b && rest.length === 0)).toBe(true);
  });

  it("publishes a record RabbitMQ nacked again until it is taken", async () => {
    const logger = `p_${randomUUID().slice(0, 8)}`;
    // A full queue with reject-publish nacks what would overflow it.
    const queue = await queueFor(logger, { "x-max-length": 50, "x-overflow": "reject-publish" });
    const p = publisher(logger);
    for (let n = 0; n < 120; n++) p.publish({ message: `m ${n}`, n });
    await waitFor("the first 50 confirmed, the rest nacked", () =>
      Promise.resolve(p.stats().confirmed === 50 && p.stats().published > 120),
    );
    expect(p.stats().buffered).toBe(70);
    const got: number[] = [];
    await waitFor(
      "every record taken",
      async () => {
        for (const m of await drain(queue)) got.push((JSON.parse(m.content.toString()) as { n: number }).n);
        return p.stats().confirmed === 120;
      },
      20_000,
    );
    await p.close();
    for (const m of await drain(queue)) got.push((JSON.parse(m.content.toString()) as { n: number }).n);
    expect(new Set(got).size).toBe(120);
  });
});
