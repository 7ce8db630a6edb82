/**
 * Publishes log records to a RabbitMQ topic exchange so that none is lost quietly, without ever throwing into the
 * app or making a log call wait.
 *
 * - Publisher confirms: a record leaves the buffer only when RabbitMQ has confirmed it. A publisher without
 *   confirms lost messages when it closed soon after publishing (DESIGN.md).
 * - Every record carries a unique `messageId` that stays the same when it is published again (after a nack or a
 *   reconnect), so the collector stores a record that arrives twice once.
 * - While RabbitMQ is unreachable records wait in memory, at most `maxBuffer` of them; beyond that the oldest are
 *   dropped and counted, and a warning says so at most once per `warnIntervalMs`. The trade: a long outage loses
 *   the oldest lines rather than the app's memory or the newest lines, which say how the outage ended.
 * - Reconnects with exponential backoff (`reconnect.initialDelayMs` doubling up to `reconnect.maxDelayMs`).
 * - `close()` waits for every buffered record to be confirmed, at most `closeTimeoutMs`, then closes the
 *   connection.
 * - `send()` is for a producer that must know when each message is safe (alco's file agent commits a file offset
 *   only then): a serialized message with its own routing key and properties, and a promise that resolves when
 *   RabbitMQ confirmed it, or rejects when it was dropped. Such a producer bounds what it has in flight itself
 *   and sets `maxBuffer` and `closeTimeoutMs` to `Infinity`: nothing is then dropped, however long RabbitMQ is
 *   away.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import { RecordBuffer, type BufferedRecord } from "./record-buffer.js";
import { stringifyRecord } from "./to-json.js";

export type PublisherOptions = {
  /** amqp:// or amqps:// URL of RabbitMQ. */
  url: string;
  /** The logger name: the index the records belong to, and the last part of the routing key. */
  logger: string;
  /** Topic exchange to publish to. Default `logstash`. */
  exchange?: string;
  /** First part of the routing key `<prefix>.<logger>`. Default `logstash`. */
  prefix?: string;
  /** Records held while RabbitMQ is unreachable or slow; beyond this the oldest are dropped. Default 10,000. */
  maxBuffer?: number;
  /** How long `close()` waits for buffered records to be confirmed. Default 10 s. */
  closeTimeoutMs?: number;
  /** Reconnect backoff. Default 250 ms doubling up to 30 s. */
  reconnect?: Partial<BackoffOptions>;
  /** At most one warning of each kind per this interval. Default 30 s. */
  warnIntervalMs?: number;
  /** Records sent and not yet confirmed, at most. Default 1000. */
  maxUnconfirmed?: number;
  /** How long a connection attempt may take. Default 10 s. */
  connectTimeoutMs?: number;
  /** Name of the connection in RabbitMQ (`connection_name` client property). Default `alco:<logger>@<host>:<pid>`. */
  connectionName?: string;
  /**
   * On connect, declare the exchange (topic) if it does not exist; one that exists is used as it is, whatever its
   * durability (other producers declare it too, and RabbitMQ refuses a declare that differs). Default true.
   */
  assertExchange?: boolean;
  /**
   * Whether the exchange is declared durable when it does not exist. Default true, as alco's
   * AMQP_EXCHANGE_DURABLE; logcollect's `default_config()` declares it non-durable. An existing exchange declared
   * otherwise is used as it is, with one ALCO_EXCHANGE_DECLARED_OTHERWISE warning.
   */
  exchangeDurable?: boolean;
  /** Where warnings go. Default: `process.emitWarning`. Must not throw; if it does, the error is ignored. */
  onWarning?: (warning: PublisherWarning) => void;
  /** Every connection event, unthrottled, for a producer that logs them. Must not throw. */
  onEvent?: (event: PublisherEvent) => void;
  /** Publish `mandatory`: a message no queue is bound for comes back as a `returned` event. Default false. */
  mandatory?: boolean;
  /** AMQP heartbeat in seconds, unless the URL sets `heartbeat`: notices a broker that vanished silently. */
  heartbeatSec?: number;
};

export type PublisherEvent =
  | { type: "connected"; /** 1 unless attempts failed since the last connection. */ attempt: number }
  | { type: "connect-failed"; attempt: number; error: Error; elapsedMs: number; delayMs: number }
  | { type: "disconnected"; error: Error; /** Records to send again once reconnected. */ buffered: number }
  | { type: "blocked"; reason: string }
  | { type: "unblocked" }
  | { type: "returned"; routingKey: string };

/** A message for `send()`: serialized by the caller. */
export type OutgoingMessage = {
  body: Buffer;
  /** Default `<prefix>.<logger>`. */
  routingKey?: string;
  /** Merged over the defaults (a new `messageId`, `timestamp` now, persistent, JSON). */
  properties?: Options.Publish;
};

export type PublisherStats = {
  /** Records waiting to be confirmed (not yet sent, or sent and not yet confirmed). */
  buffered: number;
  /** Messages sent to RabbitMQ, counting a record sent again after a nack or a reconnect once more. */
  published: number;
  /** Records RabbitMQ confirmed. */
  confirmed: number;
  /** Records given up on: the oldest when the buffer was full, what was left when close() timed out, and any
   *  logged after close(). One that was already sent when dropped may still have arrived. */
  dropped: number;
  /** Whether a channel to RabbitMQ is open now. */
  connected: boolean;
};

export type PublisherWarningCode =
  | "ALCO_RECORDS_DROPPED"
  | "ALCO_RABBITMQ_UNAVAILABLE"
  | "ALCO_CLOSE_TIMEOUT"
  | "ALCO_EXCHANGE_DECLARED_OTHERWISE";

export type PublisherWarning = {
  code: PublisherWarningCode;
  message: string;
  /** The cause, for ALCO_RABBITMQ_UNAVAILABLE and ALCO_EXCHANGE_DECLARED_OTHERWISE. */
  error?: Error;
  stats: PublisherStats;
};

type Message = {
  body: Buffer;
  routingKey: string;
  properties: Options.Publish;
  /** The promise of `send()`, settled when the record leaves the buffer. */
  settle?: { resolve: () => void; reject: (err: Error) => void };
};

/** One connection and its confirm channel; replaced as a whole when either closes. */
type Session = {
  conn: ChannelModel;
  ch: ConfirmChannel;
  alive: boolean;
  /** Sent on this channel and not yet confirmed or failed. */
  unconfirmed: number;
  /** False while the socket's write buffer is full, until 'drain'; false once the channel closed. */
  writable: boolean;
  /** Why the connection or channel failed, from their 'error' events. */
  why: { error?: Error };
};

/** While closing, a reconnect is not put off longer than this. */
const CLOSING_MAX_DELAY_MS = 500;
/** A nacked record is sent again after this long, so a broker that keeps refusing is not hammered. */
const NACK_RETRY_MS = 1000;

export class AmqpPublisher {
  readonly exchange: string;
  readonly routingKey: string;
  private readonly opts: Required<
    Pick<
      PublisherOptions,
      | "url"
      | "closeTimeoutMs"
      | "warnIntervalMs"
      | "maxUnconfirmed"
      | "connectTimeoutMs"
      | "connectionName"
      | "assertExchange"
      | "exchangeDurable"
      | "onWarning"
      | "mandatory"
    >
  > &
    Pick<PublisherOptions, "onEvent" | "heartbeatSec"> & { reconnect: BackoffOptions };
  private readonly buffer: RecordBuffer<Message>;
  private session: Session | undefined;
  private connecting = false;
  private attempt = 0;
  /** Failed connection attempts since the last connection. */
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closing: Promise<PublisherStats> | undefined;
  private stopped = false;
  private flushWaiters: (() => void)[] = [];
  private lastWarned = new Map<PublisherWarningCode, number>();
  private warnedDeclaredOtherwise = false;
  private counts = { published: 0, confirmed: 0, dropped: 0 };

  constructor(options: PublisherOptions) {
    if (!options.logger) throw new TypeError("logger is required: the name of the logger index to send to");
    if (!options.url) throw new TypeError("url is required: the amqp:// URL of RabbitMQ");
    this.exchange = options.exchange ?? "logstash";
    this.routingKey = `${options.prefix ?? "logstash"}.${options.logger}`;
    this.buffer = new RecordBuffer(options.maxBuffer ?? 10_000);
    this.opts = {
      url: options.url,
      closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
      warnIntervalMs: options.warnIntervalMs ?? 30_000,
      maxUnconfirmed: options.maxUnconfirmed ?? 1000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      connectionName: options.connectionName ?? `alco:${options.logger}@${os.hostname()}:${process.pid}`,
      assertExchange: options.assertExchange ?? true,
      exchangeDurable: options.exchangeDurable ?? true,
      onWarning: options.onWarning ?? emitProcessWarning,
      onEvent: options.onEvent,
      mandatory: options.mandatory ?? false,
      heartbeatSec: options.heartbeatSec,
      reconnect: {
        initialDelayMs: options.reconnect?.initialDelayMs ?? 250,
        maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
      },
    };
    void this.connect();
  }

  /**
   * Queues a record (any object; serialized without throwing) for `<prefix>.<logger>`. Returns at once; never
   * throws. `time` (epoch ms) sets the AMQP `timestamp` property, default now.
   */
  publish(record: object, time = Date.now()): void {
    this.enqueue({
      body: Buffer.from(stringifyRecord(record)),
      routingKey: this.routingKey,
      properties: defaultProperties(time),
    });
  }

  /**
   * Queues a serialized message. Resolves once RabbitMQ confirmed it; rejects if it was dropped (the buffer was
   * full, `close()` timed out, `abandon()`, or it came after `close()`). Never throws.
   */
  send(message: OutgoingMessage): Promise<void> {
    return new Promise((resolve, reject) =>
      this.enqueue({
        body: message.body,
        routingKey: message.routingKey ?? this.routingKey,
        properties: withDefaults(message.properties),
        settle: { resolve, reject },
      }),
    );
  }

  /**
   * Stops at once, without waiting for confirms: every buffered record is dropped (the promises of `send()`
   * reject) and the connection closed.
   */
  abandon(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    this.counts.dropped += this.buffer.dropAll((r) =>
      r.payload.settle?.reject(new Error("publisher abandoned")),
    );
    this.notifyFlushed();
    const s = this.session;
    this.session = undefined;
    if (s) {
      s.alive = false;
      s.conn.close().catch(() => undefined);
    }
    // A later close() has nothing left to wait for.
    this.closing ??= Promise.resolve(this.stats());
  }

  private enqueue(message: Message): void {
    if (this.stopped) {
      this.counts.dropped++;
      message.settle?.reject(new Error("publisher closed"));
      this.warnDropped();
      return;
    }
    const dropped = this.buffer.push(message);
    if (dropped) {
      this.counts.dropped++;
      dropped.payload.settle?.reject(new Error("dropped: the buffer was full"));
      this.warnDropped();
    }
    this.pump();
  }

  stats(): PublisherStats {
    return { buffered: this.buffer.size, ...this.counts, connected: this.session !== undefined };
  }

  /** Resolves true once every buffered record is confirmed, or false after `timeoutMs`. */
  flush(timeoutMs = this.opts.closeTimeoutMs): Promise<boolean> {
    if (this.buffer.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(keepAlive);
        resolve(true);
      };
      // Without a timeout nothing else may keep the process alive while it waits (the reconnect timer does not).
      const keepAlive = timeoutMs === Infinity ? setInterval(() => undefined, 60_000) : undefined;
      const timer =
        timeoutMs === Infinity
          ? undefined
          : setTimeout(() => {
              this.flushWaiters = this.flushWaiters.filter((w) => w !== done);
              resolve(false);
            }, timeoutMs);
      this.flushWaiters.push(done);
    });
  }

  /**
   * Waits for buffered records to be confirmed (at most `closeTimeoutMs`; what is left then counts as dropped),
   * then closes the connection. Records published meanwhile are still sent. Every call returns the same promise.
   */
  close(): Promise<PublisherStats> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<PublisherStats> {
    // Records are waiting and the next attempt may be up to maxDelayMs away: try now.
    if (this.reconnectTimer && this.buffer.size > 0) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      void this.connect();
    }
    await this.flush(this.opts.closeTimeoutMs);
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    const lost = this.buffer.dropAll((r) =>
      r.payload.settle?.reject(new Error("not confirmed before close() timed out")),
    );
    if (lost > 0) {
      this.counts.dropped += lost;
      this.warn(
        "ALCO_CLOSE_TIMEOUT",
        `alco: ${lost} log records were not confirmed by RabbitMQ within ${this.opts.closeTimeoutMs} ms of close() and are lost`,
      );
      this.notifyFlushed();
    }
    const s = this.session;
    this.session = undefined;
    if (s) {
      s.alive = false;
      await s.conn.close().catch(() => undefined);
    }
    return this.stats();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting || this.session) return;
    this.connecting = true;
    let conn: ChannelModel | undefined;
    let failure: Error | undefined;
    const started = Date.now();
    try {
      conn = await amqp.connect(this.connectUrl(), {
        timeout: this.opts.connectTimeoutMs,
        clientProperties: { connection_name: this.opts.connectionName },
      });
      const c = conn;
      // Without 'error' listeners an error event crashes the app. The 'close' that follows is what counts.
      const why: { error?: Error } = {};
      c.on("error", (err: Error) => (why.error ??= err));
      c.on("blocked", (reason: string) => this.emit({ type: "blocked", reason }));
      c.on("unblocked", () => this.emit({ type: "unblocked" }));
      const ch = await c.createConfirmChannel();
      ch.on("error", (err: Error) => (why.error ??= err));
      const s: Session = { conn: c, ch, alive: true, unconfirmed: 0, writable: true, why };
      c.on("close", (err?: Error) => this.lost(s, err ?? why.error));
      ch.on("close", () => {
        // When the connection goes, its channels close first and its own 'close', which says why, follows in
        // the same tick: stop sending now, give up the session a tick later.
        s.writable = false;
        setImmediate(() => this.lost(s, why.error ?? new Error("channel closed")));
      });
      ch.on("drain", () => {
        s.writable = true;
        this.pump();
      });
      ch.on("return", (m: { fields: { routingKey: string } }) =>
        this.emit({ type: "returned", routingKey: m.fields.routingKey }),
      );
      if (this.opts.assertExchange) await this.declareExchange(c);
      if (!s.alive) throw new Error("connection lost while opening");
      if (this.stopped) {
        s.alive = false;
        await c.close().catch(() => undefined);
        return;
      }
      this.session = s;
      this.attempt = 0;
      this.buffer.rewind();
      this.emit({ type: "connected", attempt: this.failures + 1 });
      this.failures = 0;
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      conn?.close().catch(() => undefined);
    } finally {
      this.connecting = false;
    }
    if (failure) {
      this.warnUnavailable(failure);
      const delayMs = this.scheduleReconnect();
      this.emit({
        type: "connect-failed",
        attempt: ++this.failures,
        error: failure,
        elapsedMs: Date.now() - started,
        delayMs,
      });
    } else {
      this.pump();
    }
  }

  /**
   * Declares the exchange if it does not exist, on channels of its own: a check or a declare that fails closes
   * the channel it ran on. A passive declare tells whether the exchange exists, not how it was declared; a declare
   * with our arguments then succeeds if they are the same and fails (406) naming the one that differs.
   */
  private async declareExchange(conn: ChannelModel): Promise<void> {
    const own = async <T>(fn: (ch: Channel) => Promise<T>): Promise<T> => {
      const ch = await conn.createChannel();
      ch.on("error", () => undefined);
      try {
        return await fn(ch);
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    const replyCode = (err: unknown) => {
      const code = (err as { code?: unknown }).code;
      return typeof code === "number" ? code : undefined;
    };
    const exists = await own((ch) => ch.checkExchange(this.exchange)).then(
      () => true,
      (err: unknown) => {
        if (replyCode(err) === 404) return false;
        throw err;
      },
    );
    try {
      await own((ch) => ch.assertExchange(this.exchange, "topic", { durable: this.opts.exchangeDurable }));
    } catch (err) {
      const code = replyCode(err);
      // Refused on one that exists (406 when declared otherwise, 403 without the right to configure it), or on
      // one another producer declared its own way since the check: either way it is there to publish to.
      if (code === undefined || (!exists && code !== 406)) throw err;
      if (this.warnedDeclaredOtherwise) return;
      this.warnedDeclaredOtherwise = true;
      const reason = /[A-Z_]+ - .*/.exec((err as Error).message)?.[0].replace(/"$/, "");
      this.warn(
        "ALCO_EXCHANGE_DECLARED_OTHERWISE",
        `alco: exchange "${this.exchange}" exists, declared otherwise than exchangeDurable: ` +
          `${this.opts.exchangeDurable} would (${reason ?? (err as Error).message}); publishing to it as it is`,
        err as Error,
      );
    }
  }

  private lost(s: Session, err?: Error): void {
    if (!s.alive) return;
    s.alive = false;
    // A channel can close alone (a 404 on the exchange, say): drop its connection too and start afresh.
    s.conn.close().catch(() => undefined);
    if (this.session !== s) return;
    this.session = undefined;
    if (this.stopped) return;
    const error = err ?? new Error("connection closed");
    this.emit({ type: "disconnected", error, buffered: this.buffer.size });
    this.warnUnavailable(error);
    this.scheduleReconnect();
  }

  /** The delay until the next attempt (0 if none was scheduled). */
  private scheduleReconnect(): number {
    if (this.stopped || this.reconnectTimer || this.connecting || this.session) return 0;
    let delay = backoffDelay(this.attempt++, this.opts.reconnect);
    if (this.closing) delay = Math.min(delay, CLOSING_MAX_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
    // A publisher alone must not keep the app alive; close() keeps it alive while it flushes.
    this.reconnectTimer.unref();
    return delay;
  }

  private connectUrl(): string {
    if (this.opts.heartbeatSec === undefined) return this.opts.url;
    try {
      const u = new URL(this.opts.url);
      if (!u.searchParams.has("heartbeat")) u.searchParams.set("heartbeat", String(this.opts.heartbeatSec));
      return u.toString();
    } catch {
      return this.opts.url;
    }
  }

  private emit(event: PublisherEvent): void {
    try {
      this.opts.onEvent?.(event);
    } catch {
      // An event handler that throws must not break publishing.
    }
  }

  /** Sends what is buffered, as far as the window of unconfirmed messages and the socket allow. */
  private pump(): void {
    const s = this.session;
    if (!s) return;
    while (s.alive && s.writable && s.unconfirmed < this.opts.maxUnconfirmed) {
      const r = this.buffer.take();
      if (!r) return;
      s.unconfirmed++;
      this.counts.published++;
      let ok: boolean;
      try {
        const { routingKey, body, properties } = r.payload;
        const options = this.opts.mandatory ? { ...properties, mandatory: true } : properties;
        ok = s.ch.publish(this.exchange, routingKey, body, options, (err) => this.settle(s, r, err));
      } catch (err) {
        // The channel closed under us (IllegalOperationError).
        s.unconfirmed--;
        this.buffer.requeue(r);
        this.lost(s, s.why.error ?? (err instanceof Error ? err : new Error(String(err))));
        return;
      }
      if (!ok) s.writable = false;
    }
  }

  private settle(s: Session, r: BufferedRecord<Message>, err: unknown): void {
    s.unconfirmed--;
    if (err === null || err === undefined) {
      if (this.buffer.confirm(r)) {
        this.counts.confirmed++;
        r.payload.settle?.resolve();
        if (this.buffer.size === 0) this.notifyFlushed();
      }
      this.pump();
    } else if (s.alive) {
      // A nack, or the channel closing with the record unconfirmed: amqplib calls back before the channel's
      // 'close' listeners run, so which one is not known yet. Requeue; if the channel is closing, the rewind
      // after the reconnect supersedes this. (Once a session is known dead, that rewind covers its records.)
      this.buffer.requeue(r);
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.buffer.releaseRequeued();
        this.pump();
      }, NACK_RETRY_MS).unref();
    }
  }

  private notifyFlushed(): void {
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
  }

  private warnDropped(): void {
    this.warn(
      "ALCO_RECORDS_DROPPED",
      `alco: log buffer full (${this.buffer.capacity} records waiting for RabbitMQ); dropping the oldest, ${this.counts.dropped} dropped so far`,
    );
  }

  private warnUnavailable(error: Error): void {
    this.warn(
      "ALCO_RABBITMQ_UNAVAILABLE",
      `alco: RabbitMQ unavailable (${error.message}); buffering log records (${this.buffer.size} waiting) and reconnecting`,
      error,
    );
  }

  private warn(code: PublisherWarningCode, message: string, error?: Error): void {
    const now = Date.now();
    const last = this.lastWarned.get(code);
    if (code !== "ALCO_CLOSE_TIMEOUT" && last !== undefined && now - last < this.opts.warnIntervalMs) return;
    this.lastWarned.set(code, now);
    try {
      this.opts.onWarning({ code, message, ...(error ? { error } : {}), stats: this.stats() });
    } catch {
      // A warning handler that throws must not break logging.
    }
  }
}

/**
 * The AMQP header the collector orders one producer's lines by when they share a millisecond (or a second, for
 * timestamps that have no more): a decimal below 2^63, larger for later lines of the same source. The collector
 * reads it under this name (lib/records/record-seq.ts).
 */
export const SEQ_HEADER = "x-alco-seq";

const SEQ_COUNTER = Symbol.for("alco.amqp-publisher.seq");

/**
 * The next number of this process's count. On globalThis so that every copy of this package in one process (an
 * app that loads both its ESM and CJS builds, or two transports) counts as one source, in call order.
 */
function nextSeq(): string {
  const g = globalThis as { [SEQ_COUNTER]?: number };
  g[SEQ_COUNTER] = (g[SEQ_COUNTER] ?? 0) + 1;
  return String(g[SEQ_COUNTER]);
}

/** Taken when the record is queued, so a record published again after a reconnect keeps its place. */
function defaultProperties(time: number): Options.Publish {
  return {
    messageId: randomUUID(),
    timestamp: Math.floor(time / 1000),
    persistent: true,
    contentType: "application/json",
    headers: { [SEQ_HEADER]: nextSeq() },
  };
}

/** A caller's properties over the defaults; its headers over the default headers (its own seq, if it has one). */
function withDefaults(properties: Options.Publish | undefined): Options.Publish {
  const defaults = defaultProperties(Date.now());
  if (!properties) return defaults;
  const headers = {
    ...(defaults.headers as Record<string, unknown>),
    ...(properties.headers as Record<string, unknown> | undefined),
  };
  return { ...defaults, ...properties, headers };
}

/** The default warning sink: Node prints it on stderr as `(node:<pid>) [<code>] AlcoPublisherWarning: ...`. */
export function emitProcessWarning(w: PublisherWarning): void {
  process.emitWarning(w.message, { type: "AlcoPublisherWarning", code: w.code });
}
