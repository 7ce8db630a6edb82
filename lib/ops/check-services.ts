/** Checks that the local services are up, naming the one that is not and the command that starts it. */
import { Redis } from "ioredis";
import pg from "pg";
import { AmqpConnection } from "@/lib/amqp/amqp-connection";

export const START_COMMANDS = {
  PostgreSQL: "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
  Redis:
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  // -detached returns before the node has registered, so `rabbitmqctl await_startup` finds no node on a first
  // boot; the AMQP port opens last, once the broker is ready (scripts/setup.sh waits for it the same way).
  RabbitMQ: "rabbitmq-server -detached, then wait until port 5672 accepts connections",
} as const;

export async function checkServices(urls: {
  database: string;
  redis: string;
  amqp: string;
}): Promise<string[]> {
  const problems: string[] = [];
  const pgClient = new pg.Client({ connectionString: urls.database, connectionTimeoutMillis: 3000 });
  await pgClient
    .connect()
    .then(() => pgClient.end())
    .catch((e: Error) =>
      problems.push(`PostgreSQL at ${urls.database}: ${e.message}. Start it: ${START_COMMANDS.PostgreSQL}`),
    );
  const redis = new Redis(urls.redis, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  await redis
    .connect()
    .then(() => redis.quit())
    .catch((e: Error) =>
      problems.push(`Redis at ${urls.redis}: ${e.message}. Start it: ${START_COMMANDS.Redis}`),
    );
  const broker = new AmqpConnection({ url: urls.amqp });
  await broker
    .connectOnce()
    .then(() => broker.close())
    .catch((e: Error) =>
      problems.push(`RabbitMQ at ${urls.amqp}: ${e.message}. Start it: ${START_COMMANDS.RabbitMQ}`),
    );
  return problems;
}
