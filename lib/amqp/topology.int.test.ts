/**
 * The logs exchange against the real broker, declared by someone else first or not at all: alco declares it only
 * when it is missing and never fails on one declared otherwise.
 */
import amqp, { type ChannelModel, type ConfirmChannel } from "amqplib";
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertIndexQueue, assertLogsExchange, deadLetterExchange, deleteIndexQueue } from "./topology";

let conn: ChannelModel;
const cleanup: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  conn = await amqp.connect(process.env.AMQP_URL!);
  cleanup.push(() => conn.close());
});

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});

/** A name no other run uses, deleted (with its dead-letter exchange) after the test. */
function exchangeName(): string {
  const name = `alco_topology_${randomUUID()}`;
  cleanup.push(async () => {
    const c = await amqp.connect(process.env.AMQP_URL!);
    const ch = await c.createChannel();
    await ch.deleteExchange(name);
    await ch.deleteExchange(deadLetterExchange(name));
    await c.close();
  });
  return name;
}

/** How the exchange was declared, asked as alco asks it: a declare that fails 406 when it differs. */
async function isDurable(name: string): Promise<boolean> {
  const ch = await conn.createChannel();
  ch.on("error", () => undefined);
  try {
    await ch.assertExchange(name, "topic", { durable: true });
    await ch.close();
    return true;
  } catch (err) {
    if ((err as { code?: number }).code !== 406) throw err;
    return false;
  }
}

/** A channel of the caller's, as a producer holds it: it must stay open whatever alco declares. */
async function producerChannel(name: string, durable: boolean): Promise<ConfirmChannel> {
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange(name, "topic", { durable, autoDelete: false });
  return ch;
}

describe("assertLogsExchange", () => {
  it.each([true, false])(
    "declares a missing exchange with durable: %s, as the setting says",
    async (durable) => {
      const name = exchangeName();
      const log: string[] = [];
      await assertLogsExchange(conn, { name, durable, log: (l) => log.push(l) });
      expect(await isDurable(name)).toBe(durable);
      expect(log).toEqual([]);
    },
  );

  it.each([
    [false, true],
    [true, false],
  ])(
    "uses an exchange declared with durable: %s as it is under the setting %s, noting it once per exchange",
    async (existing, setting) => {
      const name = exchangeName();
      const producer = await producerChannel(name, existing);
      const log: string[] = [];
      const exchange = { name, durable: setting, log: (l: string) => log.push(l) };
      await assertLogsExchange(conn, exchange);
      await assertLogsExchange(conn, exchange);
      expect(await isDurable(name)).toBe(existing);
      expect(log).toHaveLength(1);
      expect(log[0]).toContain(`exchange "${name}" exists ${existing ? "durable" : "non-durable"}`);
      expect(log[0]).toContain(`inequivalent arg 'durable'`);
      // Neither the producer's channel nor the connection alco declared on was harmed.
      producer.publish(name, "x", Buffer.from("{}"));
      await producer.waitForConfirms();
      await (await conn.createChannel()).close();
    },
  );

  it("binds an index's queue to an existing non-durable exchange, and binds it again once the exchange is gone", async () => {
    const name = exchangeName();
    await producerChannel(name, false);
    const queueName = `alco_topology_${randomUUID()}`;
    const index = { name: "t", queueName, routingKeys: ["*.t.#"], durable: true };
    const exchange = { name, durable: true, log: () => undefined };
    cleanup.push(async () => {
      const c = await amqp.connect(process.env.AMQP_URL!);
      await deleteIndexQueue(await c.createChannel(), index);
      await c.close();
    });
    await assertIndexQueue(conn, exchange, index);
    const ch = await conn.createConfirmChannel();
    const published = async () => {
      ch.publish(name, "logstash.t", Buffer.from("{}"));
      await ch.waitForConfirms();
      return (await ch.checkQueue(queueName)).messageCount;
    };
    expect(await published()).toBe(1);

    // What a RabbitMQ restart does to a non-durable exchange: gone, and every binding to it, the queue stays.
    await ch.deleteExchange(name);
    await assertIndexQueue(conn, exchange, index);
    expect(await isDurable(name)).toBe(true);
    expect(await published()).toBe(2);
  });
});
