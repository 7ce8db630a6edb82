/**
 * The collector process's core: one AMQP connection, one consumer per logger index, the index list polled from
 * PostgreSQL so indexes created while running are picked up without a restart, every stored batch published to
 * the live exchange for live tails (best effort, lib/live/live-publisher.ts), and reconnection with backoff when
 * RabbitMQ goes away. The worker entry point (workers/collector.ts) adds signals; tests drive this directly.
 */
import http from "node:http";
import { Redis } from "ioredis";
import { getDb, type Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { AmqpConnection } from "@/lib/amqp/amqp-connection";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { LivePublisher } from "@/lib/live/live-publisher";
import type { NormalizedRecord } from "@/lib/records/normalize-record";
import { ColumnCache } from "./column-cache";
import type { CollectorEnv } from "./env";
import { IndexConsumer } from "./index-consumer";
import { CollectorMetrics } from "./metrics";

export type CollectorOptions = {
  log?: (line: string) => void;
  onIndexed?: (index: string, records: NormalizedRecord[]) => void;
};

export class Collector {
  readonly metrics = new CollectorMetrics();
  private readonly log: (line: string) => void;
  private readonly db: Db;
  private readonly engine: Engine;
  private readonly redis: Redis;
  private readonly columns = new ColumnCache();
  /** Its state fans stored batches out to live tails; one per connection. */
  private readonly amqp: AmqpConnection<LivePublisher>;
  private readonly stopSignal = new AbortController();
  private consumers = new Map<string, IndexConsumer>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private refreshing: Promise<void> | null = null;
  private knownIndexes: LoggerIndex[] | null = null;
  private refreshFailures = 0;
  private metricsServer: http.Server | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly env: CollectorEnv,
    private readonly opts: CollectorOptions = {},
  ) {
    this.log = opts.log ?? ((l) => console.log(`[collector] ${l}`));
    this.db = getDb(env.DATABASE_URL);
    // A bulk REPLACE can sit behind a multi-second RAM-chunk flush (DESIGN.md): far longer than a read may take.
    this.engine = createEngine(parseEngineAddress(env.SEARCHD_URL), {
      connections: 2,
      queryTimeoutMs: 60_000,
    });
    this.redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.redis.on("error", (err: Error) => this.log(`redis: ${err.message}`));
    this.amqp = new AmqpConnection({
      url: env.AMQP_URL,
      signal: this.stopSignal.signal,
      setup: async (conn) => {
        const live = new LivePublisher(conn, env.AMQP_EXCHANGE, this.log);
        await live.open();
        return live;
      },
      onError: (err) => this.log(`amqp connection error: ${err.message}`),
      onDisconnected: () => {
        if (this.stopping) return;
        this.log("amqp connection closed; reconnecting");
        this.consumers.clear();
        void this.amqp.connect().then(() => this.refresh());
      },
      onConnectFailed: ({ attempt, error, delayMs }) =>
        this.log(`amqp connect attempt ${attempt} failed: ${error.message}; retrying in ${delayMs} ms`),
    });
  }

  async start(): Promise<void> {
    await this.redis.connect().catch((err: Error) => this.log(`redis not reachable yet: ${err.message}`));
    // Attempts fail, and are logged, for as long as RabbitMQ is away; a stop meanwhile ends the wait.
    if (!(await this.amqp.connect())) return;
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), this.env.INDEX_REFRESH_MS);
    if (this.env.METRICS_PORT > 0) await this.serveMetrics(this.env.METRICS_HOST, this.env.METRICS_PORT);
    this.log(`consuming ${this.consumers.size} index queue(s) from exchange ${this.env.AMQP_EXCHANGE}`);
  }

  /** Graceful stop: no new messages, pending batches written and acked, connections closed. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.refreshTimer) clearInterval(this.refreshTimer);
      this.stopSignal.abort();
      await this.refreshing;
      await Promise.all([...this.consumers.values()].map((c) => c.stop()));
      await this.amqp.link?.state.close();
      await this.amqp.close();
      await new Promise<void>((r) => (this.metricsServer ? this.metricsServer.close(() => r()) : r()));
      await this.engine.close().catch(() => undefined);
      this.redis.disconnect();
    })();
    return this.stopping;
  }

  /** Second signal: give up on retries in progress; unacked messages are redelivered to another collector. */
  abandon(): void {
    for (const c of this.consumers.values()) c.abandon();
  }

  get consumedIndexes(): string[] {
    return [...this.consumers.keys()];
  }

  /** Reconciles consumers with the index list and reloads column flags. Never throws. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      let indexes: LoggerIndex[];
      try {
        indexes = await listIndexes(this.db);
        await this.columns.sync(this.db, new Set(indexes.map((i) => i.name)));
        this.knownIndexes = indexes;
        this.refreshFailures = 0;
      } catch (err) {
        // PostgreSQL down: keep consuming the indexes we know, and after a reconnect to RabbitMQ consume them
        // again from the last list we had. Logged on the 1st, 10th, 100th… failure, not every refresh.
        if (Number.isInteger(Math.log10(++this.refreshFailures)))
          this.log(`index refresh failed (${this.refreshFailures}×): ${(err as Error).message}`);
        if (!this.knownIndexes) return;
        indexes = this.knownIndexes;
      }
      const conn = this.amqp.link?.connection;
      if (!conn || this.stopping) return;
      const wanted = new Map(indexes.map((i) => [i.name, i]));
      for (const [name, consumer] of this.consumers) {
        const next = wanted.get(name);
        if (!next || next.queueName !== consumer.index.queueName || !consumer.alive) {
          this.consumers.delete(name);
          await consumer.stop();
          if (!next) this.log(`[${name}] index removed; stopped consuming`);
        } else if (
          next.routingKeys.join() !== consumer.index.routingKeys.join() ||
          next.retentionDays !== consumer.index.retentionDays
        ) {
          await consumer
            .updateBindings(next)
            .catch((err: Error) => this.log(`[${name}] rebind failed: ${err.message}`));
        }
      }
      // Started together: after a reconnect, the first queues' backlogs should not delay the others'.
      const starting = [...wanted].filter(([name]) => !this.consumers.has(name));
      await Promise.all(
        starting.map(async ([name, index]) => {
          const consumer = new IndexConsumer(
            index,
            {
              exchange: this.env.AMQP_EXCHANGE,
              exchangeDurable: this.env.AMQP_EXCHANGE_DURABLE,
              batchSize: this.env.BATCH_SIZE,
              maxWaitMs: this.env.BATCH_MAX_WAIT_MS,
              maxMessageBytes: this.env.MAX_MESSAGE_BYTES,
              maxInflightBytes: this.env.MAX_INFLIGHT_BYTES,
              valuesPerColumn: this.env.VALUES_PER_COLUMN,
              logcollectTimeZone: this.env.LOGCOLLECT_TIMEZONE,
              redisPrefix: this.env.REDIS_PREFIX,
            },
            {
              engine: this.engine,
              redis: this.redis,
              columns: this.columns,
              metrics: this.metrics,
              log: this.log,
              onIndexed: this.onIndexed,
            },
          );
          try {
            await consumer.start(conn);
            this.consumers.set(name, consumer);
            this.log(`[${name}] consuming ${index.queueName} (${index.routingKeys.join(", ")})`);
          } catch (err) {
            this.log(`[${name}] cannot consume ${index.queueName}: ${(err as Error).message}`);
          }
        }),
      );
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** A stored batch: to the live exchange (never waits, never throws), then to the caller's hook. */
  private readonly onIndexed = (index: string, records: NormalizedRecord[]): void => {
    try {
      this.amqp.link?.state.publish(index, records);
    } catch (err) {
      this.log(`[${index}] live publish failed: ${(err as Error).message}`);
    }
    this.opts.onIndexed?.(index, records);
  };

  private async serveMetrics(host: string, port: number): Promise<void> {
    this.metricsServer = http.createServer((req, res) => {
      if (req.url === "/metrics") {
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(this.metrics.render());
      } else if (req.url === "/healthz") {
        const ok = this.amqp.link !== null;
        res
          .writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
          .end(ok ? "ok\n" : "amqp disconnected\n");
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.metricsServer!.once("error", reject);
      this.metricsServer!.listen(port, host, () => resolve());
    });
  }
}
