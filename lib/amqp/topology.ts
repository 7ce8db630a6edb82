/**
 * RabbitMQ topology, declared the same way by every process that touches it (collector, publishers, tests):
 * the `logstash` topic exchange, one durable queue per logger index bound by its routing keys, a dead-letter
 * exchange with one dead-letter queue per index, and the live exchange stored batches fan out on. Redeclaring a
 * queue with other arguments closes the channel with 406, so the arguments are computed here and nowhere else.
 *
 * The `logstash` exchange is not only alco's: producers declare it too, each their own way (logcollect's
 * `default_config()` non-durable, its `celery_config()` durable), and whichever declares it first decides. So alco
 * declares it only when it does not exist, and otherwise uses it as it is (assertLogsExchange), on channels of
 * its own: a failed declare or check closes the channel it ran on.
 */
import type { Channel, ChannelModel, Options } from "amqplib";
import { openChannel } from "./amqp-connection";

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

/** The exchange logs are published to, as this process is configured for it (AMQP_EXCHANGE*). */
export type LogsExchange = {
  name: string;
  /** How it is declared when it does not exist (AMQP_EXCHANGE_DURABLE); one that exists is used as it is. */
  durable: boolean;
  /** Where the note goes that an existing exchange was declared otherwise: once per process and exchange. */
  log: (line: string) => void;
};

export function logsExchange(
  env: { AMQP_EXCHANGE: string; AMQP_EXCHANGE_DURABLE: boolean },
  log: (line: string) => void,
): LogsExchange {
  return { name: env.AMQP_EXCHANGE, durable: env.AMQP_EXCHANGE_DURABLE, log };
}

/** Runs `fn` on a channel of its own, closed afterwards (if the broker did not close it first). */
async function onOwnChannel<T>(connection: ChannelModel, fn: (ch: Channel) => Promise<T>): Promise<T> {
  const ch = await openChannel(connection);
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** The broker's reply code, when it refused an operation on a channel (404, 406, 403), rather than the socket. */
function replyCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

const noted = new Set<string>();

/**
 * Declares the logs exchange, topic, with the configured durability if it does not exist; uses it as it is if
 * it does. A passive declare (`checkExchange`) tells whether it exists but not how it was declared; a declare with
 * our arguments, on a channel of its own, succeeds when they are the same and fails 406 naming the argument that
 * differs. That is noted once and never fails: refusing the exchange producers already publish to would lose
 * their records, and redeclaring it is not ours to do.
 */
export async function assertLogsExchange(connection: ChannelModel, exchange: LogsExchange): Promise<void> {
  const declare = (ch: Channel) => ch.assertExchange(exchange.name, "topic", { durable: exchange.durable });
  const exists = await onOwnChannel(connection, (ch) => ch.checkExchange(exchange.name)).then(
    () => true,
    (err: unknown) => {
      if (replyCode(err) === 404) return false;
      throw err;
    },
  );
  try {
    // When it did not exist, this creates it; a producer may still have declared it its own way meanwhile.
    await onOwnChannel(connection, declare);
  } catch (err) {
    const code = replyCode(err);
    // Refused on one that exists (406 when declared otherwise, 403 without the right to configure it), or on
    // one a producer declared its own way since the check: either way it is there to publish to and bind.
    if (code === undefined || (!exists && code !== 406)) throw err;
    noteDeclaredOtherwise(exchange, err as Error);
  }
}

function noteDeclaredOtherwise(exchange: LogsExchange, err: Error): void {
  const reason = /[A-Z_]+ - .*/.exec(err.message)?.[0].replace(/"$/, "") ?? err.message;
  const key = `${exchange.name}\n${reason}`;
  if (noted.has(key)) return;
  noted.add(key);
  const setting = `AMQP_EXCHANGE_DURABLE=${exchange.durable}`;
  const how = /inequivalent arg 'durable'/.test(reason)
    ? `${exchange.durable ? "non-durable" : "durable"}, unlike ${setting}`
    : `declared otherwise than alco declares it (${setting})`;
  exchange.log(
    `exchange "${exchange.name}" exists ${how}: using it as it is (RabbitMQ: ${reason}). Whoever declares it ` +
      `first after a RabbitMQ restart decides again (a non-durable one is gone then): set ` +
      `AMQP_EXCHANGE_DURABLE to what its producers declare (docs/OPERATIONS.md, "logcollect")`,
  );
}

/**
 * Declares the logs exchange (assertLogsExchange), an index's queue and dead-letter queue, and binds exactly its
 * routing keys. Run on every new connection: after a RabbitMQ restart a non-durable exchange is gone, and with it
 * every binding to it, while the durable queues stay.
 */
export async function assertIndexQueue(
  connection: ChannelModel,
  exchange: LogsExchange,
  q: IndexQueue,
  previousKeys: string[] = [],
): Promise<void> {
  await assertLogsExchange(connection, exchange);
  await onOwnChannel(connection, async (ch) => {
    await ch.assertExchange(deadLetterExchange(exchange.name), "direct", { durable: true });
    await ch.assertQueue(q.queueName, queueOptions(exchange.name, q));
    const dlq = deadLetterQueue(q.queueName);
    await ch.assertQueue(dlq, { durable: true, arguments: { "x-queue-type": "classic" } });
    await ch.bindQueue(dlq, deadLetterExchange(exchange.name), q.queueName);
    for (const key of q.routingKeys) await ch.bindQueue(q.queueName, exchange.name, key);
    for (const key of previousKeys)
      if (!q.routingKeys.includes(key)) await ch.unbindQueue(q.queueName, exchange.name, key);
  });
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
