/** The web runtime's connections, one each per process. */
import "server-only";
import type { Channel, ChannelModel, ConfirmChannel } from "amqplib";
import { Redis } from "ioredis";
import { getDb, type Db } from "@/db/client";
import { AmqpConnection } from "@/lib/amqp/amqp-connection";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { env } from "@/lib/env";

let engine: Engine | null = null;
let redisClient: Redis | null = null;

export function db(): Db {
  return getDb(env.DATABASE_URL);
}

export function searchEngine(): Engine {
  engine ??= createEngine(parseEngineAddress(env.SEARCHD_URL), { connections: 8 });
  return engine;
}

/** Read-side Redis (facet values): fails fast rather than queueing requests while Redis is away. */
export function redis(): Redis {
  if (!redisClient) {
    redisClient = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    redisClient.on("error", (err: Error) => console.error(`redis: ${err.message}`));
  }
  return redisClient;
}

let broker: AmqpConnection | null = null;

/**
 * The web runtime's RabbitMQ connection for one-off operations, opened on first use and opened again on the next
 * use after it is lost (no background reconnect loop: the admin API and HTTP ingest are its users, and they can
 * answer 503 meanwhile). The live hub (lib/live/live-hub.ts) holds a connection of its own.
 */
function amqpConnection(): AmqpConnection {
  broker ??= new AmqpConnection({
    url: env.AMQP_URL,
    connectTimeoutMs: 3_000,
    onError: (err) => console.error(`amqp: ${err.message}`),
  });
  return broker;
}

/**
 * Runs `fn` on a channel of its own, closed afterwards. A short-lived channel per operation, because the broker
 * closes a channel on any failed operation (404 on a missing queue, 406 on a redeclare with other arguments).
 */
export function withAmqpChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T>;
export function withAmqpChannel<T>(
  fn: (ch: ConfirmChannel) => Promise<T>,
  opts: { confirm: true },
): Promise<T>;
export function withAmqpChannel<T>(
  fn: (ch: ConfirmChannel) => Promise<T>,
  opts: { confirm?: boolean } = {},
): Promise<T> {
  return opts.confirm
    ? amqpConnection().withChannel(fn, { confirm: true })
    : amqpConnection().withChannel(fn as (ch: Channel) => Promise<T>);
}

/** Runs `fn` with the connection itself, for what opens channels of its own (lib/amqp/topology.ts). */
export async function withAmqpConnection<T>(fn: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const { connection } = await amqpConnection().connectOnce();
  return fn(connection);
}
