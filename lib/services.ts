/** The web runtime's connections, one each per process. */
import "server-only";
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from "amqplib";
import { Redis } from "ioredis";
import { getDb, type Db } from "@/db/client";
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

let amqpConn: Promise<ChannelModel> | null = null;

/**
 * The web runtime's RabbitMQ connection, opened on first use and opened again on the next use after it is lost
 * (no background reconnect loop: the admin API is the only user, and it can answer 503 meanwhile).
 */
export function amqpConnection(): Promise<ChannelModel> {
  amqpConn ??= amqp.connect(env.AMQP_URL, { timeout: 3_000 }).then(
    (conn) => {
      const forget = () => {
        amqpConn = null;
      };
      // Without an 'error' listener a broker-side close (or a lost socket) would crash the process.
      conn.on("error", (err: Error) => console.error(`amqp: ${err.message}`));
      conn.on("close", forget);
      return conn;
    },
    (err: unknown) => {
      amqpConn = null;
      throw err;
    },
  );
  return amqpConn;
}

/**
 * Runs `fn` on a channel of its own, closed afterwards. A short-lived channel per operation, because the broker
 * closes a channel on any failed operation (404 on a missing queue, 406 on a redeclare with other arguments).
 */
export async function withAmqpChannel<T>(fn: (ch: Channel) => Promise<T>): Promise<T>;
export async function withAmqpChannel<T>(
  fn: (ch: ConfirmChannel) => Promise<T>,
  opts: { confirm: true },
): Promise<T>;
export async function withAmqpChannel<T>(
  fn: (ch: ConfirmChannel) => Promise<T>,
  opts: { confirm?: boolean } = {},
): Promise<T> {
  const conn = await amqpConnection();
  const ch = opts.confirm
    ? await conn.createConfirmChannel()
    : ((await conn.createChannel()) as ConfirmChannel);
  ch.on("error", () => undefined);
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}
