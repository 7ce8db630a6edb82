/**
 * RabbitMQ topology, declared the same way by every process that touches it (collector, publishers, tests):
 * the `logstash` topic exchange, one durable queue per logger index bound by its routing keys, a dead-letter
 * exchange with one dead-letter queue per index, and the live exchange stored batches fan out on. Redeclaring a
 * queue with other arguments closes the channel with 406, so the arguments are computed here and nowhere else.
 */
import type { Channel, Options } from "amqplib";

export type IndexQueue = { name: string; queueName: string; routingKeys: string[]; durable: boolean };

export function deadLetterExchange(exchange: string): string {
  return `${exchange}.dead-letter`;
}

export function deadLetterQueue(queueName: string): string {
  return `${queueName}.dead-letter`;
}

/**
 * Topic exchange the collector publishes every stored batch to, routing key = index name, for live tails
 * (lib/live/). Nothing durable is bound to it: each tail binds its own exclusive, auto-delete queue.
 */
export function liveExchange(exchange: string): string {
  return `${exchange}.live`;
}

export async function assertLiveExchange(ch: Channel, exchange: string): Promise<void> {
  await ch.assertExchange(liveExchange(exchange), "topic", { durable: true });
}

/** Header names on dead-lettered messages. */
export const DLQ_HEADERS = {
  reason: "x-alco-reason",
  routingKey: "x-alco-routing-key",
  index: "x-alco-index",
  at: "x-alco-rejected-at",
} as const;

export function queueOptions(exchange: string, q: IndexQueue): Options.AssertQueue {
  return {
    durable: q.durable,
    arguments: {
      // Quorum queues consume ~2x faster than classic here (DESIGN.md) and must be durable.
      "x-queue-type": q.durable ? "quorum" : "classic",
      "x-dead-letter-exchange": deadLetterExchange(exchange),
      "x-dead-letter-routing-key": q.queueName,
    },
  };
}

export async function assertExchanges(ch: Channel, exchange: string): Promise<void> {
  await ch.assertExchange(exchange, "topic", { durable: true });
  await ch.assertExchange(deadLetterExchange(exchange), "direct", { durable: true });
}

/** Declares an index's queue and dead-letter queue and binds exactly its routing keys. */
export async function assertIndexQueue(
  ch: Channel,
  exchange: string,
  q: IndexQueue,
  previousKeys: string[] = [],
) {
  await assertExchanges(ch, exchange);
  await ch.assertQueue(q.queueName, queueOptions(exchange, q));
  const dlq = deadLetterQueue(q.queueName);
  await ch.assertQueue(dlq, { durable: true, arguments: { "x-queue-type": "classic" } });
  await ch.bindQueue(dlq, deadLetterExchange(exchange), q.queueName);
  for (const key of q.routingKeys) await ch.bindQueue(q.queueName, exchange, key);
  for (const key of previousKeys)
    if (!q.routingKeys.includes(key)) await ch.unbindQueue(q.queueName, exchange, key);
}

/** Removes an index's queues (admin delete). */
export async function deleteIndexQueue(ch: Channel, q: Pick<IndexQueue, "queueName">): Promise<void> {
  await ch.deleteQueue(q.queueName);
  await ch.deleteQueue(deadLetterQueue(q.queueName));
}

/**
 * A routing key that a binding pattern matches, for publishing on an index's behalf (HTTP ingest): `*` words
 * become `source`, `#` matches nothing. `*.demo.#` gives `source.demo`.
 */
export function routingKeyMatching(pattern: string, source: string): string {
  return pattern
    .split(".")
    .filter((w) => w !== "#")
    .map((w) => (w === "*" ? source : w))
    .join(".");
}
