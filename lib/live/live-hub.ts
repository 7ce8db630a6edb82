/**
 * The web process's side of the live exchange: one AMQP connection and one channel for every live tail of the
 * process. Each subscription gets its own exclusive, auto-delete, server-named queue bound to the live exchange
 * with the names of the indexes it follows as routing keys, consumed without acks.
 *
 * - Lost connection: every subscriber hears `onDisconnect`, the hub reconnects with backoff (250 ms doubling to
 *   30 s), binds each subscription again and tells it `onResubscribed`: lines published meanwhile never reached
 *   the queue, and the subscriber back-fills them from the index.
 * - Bounded: a queue holds at most QUEUE_MAX_BYTES; the broker drops its oldest messages beyond that (a web
 *   process that stopped reading must not fill RabbitMQ's memory and block every producer). Messages are numbered
 *   per publisher and index (live-message.ts), so a subscriber hears `onGap` when one went missing, and
 *   back-fills.
 * - A batch delivered to many queues is parsed once: the last few parsed messages are kept by publisher and
 *   number, and subscribers share the record objects (the matcher caches its tokens on them).
 */
import "server-only";
import type { Channel, ConsumeMessage } from "amqplib";
import os from "node:os";
import { AmqpConnection, openChannel } from "@/lib/amqp/amqp-connection";
import { assertLiveExchange, liveExchange } from "@/lib/amqp/topology";
import type { LogRecord } from "@/lib/query/wire";
import { env } from "@/lib/env";
import { decodeLiveMessage, LIVE_HEADERS, type LiveMessage } from "./live-message";

export type LiveListener = {
  onRecords: (index: string, records: LogRecord[]) => void;
  /** The broker connection is gone: nothing arrives until `onResubscribed`. */
  onDisconnect: () => void;
  /** Bound again after a lost connection; what was published in between was not delivered. */
  onResubscribed: () => void;
  /** A message on the way was lost (dropped by the bounded queue, or never published). */
  onGap: () => void;
};

export type LiveSubscription = { close: () => Promise<void> };

/** What a live session needs from the hub (tests give it a fake). */
export type LiveFeed = {
  subscribe: (indexes: string[], listener: LiveListener) => Promise<LiveSubscription>;
};

/** The broker could not be reached to subscribe. */
export class BrokerUnavailableError extends Error {}

const QUEUE_MAX_BYTES = 64 * 1024 * 1024;
const PARSED_KEPT = 16;

type Sub = {
  indexes: string[];
  listener: LiveListener;
  queue: string | null;
  consumerTag: string | null;
  binding: boolean;
  /** Last message number seen, per publisher and index. */
  seqs: Map<string, number>;
  closed: boolean;
};

export type LiveHubOptions = {
  url: string;
  exchange: string;
  log?: (line: string) => void;
  /** Broker-side bound of each subscription's queue. */
  queueMaxBytes?: number;
};

export class LiveHub implements LiveFeed {
  /** Its state is the hub's one channel, on which the live exchange was asserted. */
  private readonly amqp: AmqpConnection<Channel>;
  private readonly subs = new Set<Sub>();
  private readonly parsed = new Map<string, LiveMessage | null>();
  private readonly log: (line: string) => void;
  private closed = false;

  constructor(private readonly opts: LiveHubOptions) {
    this.log = opts.log ?? ((l) => console.error(`[live] ${l}`));
    this.amqp = new AmqpConnection({
      url: opts.url,
      connectTimeoutMs: 3_000,
      // Named, so `rabbitmqctl list_connections client_properties` tells the web processes' tails apart.
      connectionName: `alco-live ${os.hostname()} ${process.pid}`,
      setup: async (conn) => {
        // A channel the broker closed (a failed bind) takes the connection with it: one recovery path.
        const ch = await openChannel(conn, {
          onError: (err) => this.log(`amqp channel error: ${err.message}`),
          closesConnection: true,
        });
        await assertLiveExchange(ch, opts.exchange);
        return ch;
      },
      onError: (err) => this.log(`amqp connection error: ${err.message}`),
      // Whoever connected (a new subscriber, or the reconnect loop), the others are bound again now.
      onConnected: () => void this.restore(),
      onDisconnected: () => this.lost(),
      onConnectFailed: ({ attempt, error }) =>
        this.log(`amqp reconnect attempt ${attempt} failed: ${error.message}`),
    });
  }

  private get channel(): Channel | null {
    return this.amqp.link?.state ?? null;
  }

  get subscriptions(): number {
    return this.subs.size;
  }

  /** Resolves once the subscription's queue is bound; rejects when the broker cannot be reached. */
  async subscribe(indexes: string[], listener: LiveListener): Promise<LiveSubscription> {
    const sub: Sub = {
      indexes,
      listener,
      queue: null,
      consumerTag: null,
      // Bound below, not by a restore that a connection made meanwhile runs.
      binding: true,
      seqs: new Map(),
      closed: false,
    };
    this.subs.add(sub);
    try {
      await this.bind((await this.amqp.connectOnce()).state, sub);
    } catch (err) {
      this.subs.delete(sub);
      throw new BrokerUnavailableError(`live subscription failed: ${(err as Error).message}`);
    }
    return { close: () => this.unsubscribe(sub) };
  }

  /** Closes the connection (tests, shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.subs.clear();
    await this.amqp.close();
  }

  private lost(): void {
    this.log(`amqp connection lost; ${this.subs.size} live subscription(s) to restore`);
    for (const sub of this.subs) {
      sub.queue = null;
      sub.consumerTag = null;
      sub.seqs.clear();
      this.notify(sub, (l) => l.onDisconnect());
    }
    // Only while someone is listening; a later subscriber connects again.
    if (this.subs.size > 0)
      void this.amqp.connect({ waitFirst: true, while: () => !this.closed && this.subs.size > 0 });
  }

  /** Binds every subscription the lost connection took along again; a failed bind closes the connection. */
  private async restore(): Promise<void> {
    const ch = this.channel;
    if (!ch) return;
    let restored = 0;
    try {
      for (const sub of [...this.subs]) {
        if (sub.queue || sub.binding || sub.closed) continue;
        await this.bind(ch, sub);
        restored++;
        this.notify(sub, (l) => l.onResubscribed());
      }
    } catch (err) {
      this.log(`amqp resubscribe failed: ${(err as Error).message}`);
    }
    // The counterpart of "connection lost": how long tails were without a feed is read from the two lines.
    if (restored > 0) this.log(`amqp reconnected; ${restored} live subscription(s) restored`);
  }

  private async bind(ch: Channel, sub: Sub): Promise<void> {
    sub.binding = true;
    try {
      const { queue } = await ch.assertQueue("", {
        exclusive: true,
        autoDelete: true,
        durable: false,
        arguments: {
          "x-max-length-bytes": this.opts.queueMaxBytes ?? QUEUE_MAX_BYTES,
          "x-overflow": "drop-head",
        },
      });
      for (const index of sub.indexes) await ch.bindQueue(queue, liveExchange(this.opts.exchange), index);
      const { consumerTag } = await ch.consume(queue, (msg) => this.deliver(sub, msg), {
        noAck: true,
        exclusive: true,
      });
      sub.queue = queue;
      sub.consumerTag = consumerTag;
    } finally {
      sub.binding = false;
    }
    if (sub.closed) await this.release(ch, sub);
  }

  private async unsubscribe(sub: Sub): Promise<void> {
    if (sub.closed) return;
    sub.closed = true;
    this.subs.delete(sub);
    const ch = this.channel;
    if (ch && sub.queue) await this.release(ch, sub);
  }

  /** Cancelling the only consumer deletes an auto-delete queue; the delete makes sure of it. */
  private async release(ch: Channel, sub: Sub): Promise<void> {
    const { queue, consumerTag } = sub;
    sub.queue = null;
    sub.consumerTag = null;
    if (consumerTag) await ch.cancel(consumerTag).catch(() => undefined);
    if (queue) await ch.deleteQueue(queue).catch(() => undefined);
  }

  private deliver(sub: Sub, msg: ConsumeMessage | null): void {
    if (sub.closed) return;
    if (msg === null) {
      // The broker cancelled the consumer (its queue was deleted): bind a new one and back-fill.
      sub.queue = null;
      sub.consumerTag = null;
      const ch = this.channel;
      if (ch)
        void this.bind(ch, sub).then(
          () => this.notify(sub, (l) => l.onResubscribed()),
          (err: Error) => this.log(`live rebind failed: ${err.message}`),
        );
      return;
    }
    const headers = msg.properties.headers ?? {};
    const publisher = headers[LIVE_HEADERS.publisher] as unknown;
    const seq = headers[LIVE_HEADERS.seq] as unknown;
    let message: LiveMessage | null;
    if (typeof publisher === "string" && typeof seq === "number") {
      const key = `${publisher}\u0000${msg.fields.routingKey}`;
      const prev = sub.seqs.get(key);
      sub.seqs.set(key, seq);
      if (prev !== undefined && seq !== prev + 1) this.notify(sub, (l) => l.onGap());
      message = this.parse(`${key}\u0000${seq}`, msg.content);
    } else {
      message = decodeLiveMessage(msg.content);
    }
    if (message) this.notify(sub, (l) => l.onRecords(message.index, message.records));
  }

  private parse(key: string, body: Buffer): LiveMessage | null {
    if (this.parsed.has(key)) return this.parsed.get(key)!;
    const m = decodeLiveMessage(body);
    this.parsed.set(key, m);
    if (this.parsed.size > PARSED_KEPT) this.parsed.delete(this.parsed.keys().next().value!);
    return m;
  }

  /** A subscriber's failure is its own: it must not stop deliveries to the others. */
  private notify(sub: Sub, fn: (l: LiveListener) => void): void {
    try {
      fn(sub.listener);
    } catch (err) {
      this.log(`live subscriber failed: ${(err as Error).message}`);
    }
  }
}

const HUB = Symbol.for("alco.liveHub");

/**
 * The process's hub, created on first use. Kept on globalThis: route handlers may be bundled separately, and
 * there must still be one connection per process.
 */
export function liveHub(): LiveHub {
  const g = globalThis as { [HUB]?: LiveHub };
  g[HUB] ??= new LiveHub({ url: env.AMQP_URL, exchange: env.AMQP_EXCHANGE });
  return g[HUB];
}

/** Closes the process's hub, if one was opened (tests). */
export async function closeLiveHub(): Promise<void> {
  const g = globalThis as { [HUB]?: LiveHub };
  const hub = g[HUB];
  delete g[HUB];
  await hub?.close();
}
