/**
 * One RabbitMQ connection, held the same way by every process (collector, web app, demo publisher, dev, ops):
 *
 * - `connect()` tries until it is connected, backing off (lib/retry/backoff-delay.ts, 250 ms doubling to 30 s by
 *   default) and reporting each failed attempt with its number; `connectOnce()` tries once, for a caller that
 *   would rather answer "unavailable" now (an API request) than wait for the broker.
 * - `setup` runs on every new connection before anyone is told it is up: it opens the channels the process needs
 *   and re-asserts its topology (lib/amqp/topology.ts), so a broker that restarted empty is declared again. A
 *   failed setup is a failed attempt.
 * - A lost connection is reported once (`onDisconnected`); reconnecting is then the caller's call, because the
 *   callers differ in when it is worth it (the collector at once, the live hub only while tails are open, the
 *   admin API on its next request).
 * - `openChannel` opens a channel that never crashes the process with an unhandled 'error', and, with
 *   `closesConnection`, takes its connection along when the broker closes it: one recovery path for both.
 * - `publishAndConfirm` publishes a batch on a confirm channel, waiting for the socket to drain, and resolves once
 *   the broker confirmed every message.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay, RECONNECT_BACKOFF, type BackoffOptions } from "@/lib/retry/backoff-delay";

/** The broker address without credentials, for logs. */
export function brokerAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(unparsable AMQP URL)";
  }
}

/** A live connection and what `setup` made for it. */
export type AmqpLink<T> = {
  connection: ChannelModel;
  state: T;
  /** Aborted, with the reason, when this connection closes. */
  lost: AbortSignal;
  /** Which attempt of the current `connect()` succeeded: 1 unless earlier ones failed. */
  attempt: number;
};

export type ConnectFailure = {
  /** Failed attempts since the last successful one, this one included. */
  attempt: number;
  error: Error;
  elapsedMs: number;
  /** How long `connect()` waits before the next attempt. */
  delayMs: number;
};

export type AmqpConnectionOptions<T> = {
  url: string;
  /** How long opening the socket and the AMQP handshake may take (amqplib's `timeout`). */
  connectTimeoutMs?: number;
  /** Shown by `rabbitmqctl list_connections client_properties`. */
  connectionName?: string;
  backoff?: BackoffOptions;
  /** Run on every new connection: open channels, assert the topology. Its result is the link's `state`. */
  setup?: (connection: ChannelModel) => Promise<T>;
  /** Once aborted, `connect()` stops trying and resolves null. */
  signal?: AbortSignal;
  /** 'error' events of the connection (a 'close' follows; `onDisconnected` reports that). */
  onError?: (err: Error) => void;
  onConnected?: (link: AmqpLink<T>) => void;
  /** The connection of `link` closed, not by `close()`. */
  onDisconnected?: (reason: Error, link: AmqpLink<T>) => void;
  /** An attempt of `connect()` failed; it tries again after `delayMs`. */
  onConnectFailed?: (failure: ConnectFailure) => void;
};

export type ConnectOptions = {
  /** Wait one backoff delay before the first attempt (after a loss, the broker is rarely back at once). */
  waitFirst?: boolean;
  /** Checked before every attempt: resolve null once it is false. */
  while?: () => boolean;
};

export class AmqpConnection<T = undefined> {
  private current: AmqpLink<T> | null = null;
  private attempting: Promise<AmqpLink<T>> | null = null;
  private retrying: Promise<AmqpLink<T> | null> | null = null;
  /** Aborted when a connection is made or `close()` is called: a `connect()` waiting to retry looks again. */
  private wake = new AbortController();
  private failures = 0;
  private closed = false;

  constructor(private readonly opts: AmqpConnectionOptions<T>) {}

  get link(): AmqpLink<T> | null {
    return this.current;
  }

  /** Failed attempts since the last successful one. */
  get failedAttempts(): number {
    return this.failures;
  }

  /**
   * The live link, or one made by trying until it works; null once closed, aborted or `while` says stop.
   * Callers at the same time share the attempts.
   */
  connect(options: ConnectOptions = {}): Promise<AmqpLink<T> | null> {
    if (this.current) return Promise.resolve(this.current);
    this.retrying ??= this.retry(options).finally(() => (this.retrying = null));
    return this.retrying;
  }

  /** The live link, or one attempt at making one (shared with an attempt under way); rejects when it fails. */
  connectOnce(): Promise<AmqpLink<T>> {
    if (this.current) return Promise.resolve(this.current);
    if (this.closed) return Promise.reject(new Error("amqp connection closed"));
    this.attempting ??= this.attempt().finally(() => (this.attempting = null));
    return this.attempting;
  }

  /**
   * Runs `fn` on a channel of its own on this connection (connecting once if needed), closed afterwards. For
   * one-off operations: the broker closes a channel on any failed operation (404, 406), not the connection.
   */
  async withChannel<R>(fn: (ch: Channel) => Promise<R>): Promise<R>;
  async withChannel<R>(fn: (ch: ConfirmChannel) => Promise<R>, opts: { confirm: true }): Promise<R>;
  async withChannel<R>(fn: (ch: ConfirmChannel) => Promise<R>, opts: { confirm?: boolean } = {}): Promise<R> {
    const { connection } = await this.connectOnce();
    const ch = (await openChannel(connection, { confirm: opts.confirm })) as ConfirmChannel;
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => undefined);
    }
  }

  /** Stops trying and closes the connection; `onDisconnected` is not called. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake.abort();
    const link = this.current;
    this.current = null;
    await this.attempting?.catch(() => undefined);
    await link?.connection.close().catch(() => undefined);
  }

  private stopped(): boolean {
    return this.closed || this.opts.signal?.aborted === true;
  }

  private async retry(options: ConnectOptions): Promise<AmqpLink<T> | null> {
    const backoff = this.opts.backoff ?? RECONNECT_BACKOFF;
    let delay = options.waitFirst ? backoffDelay(this.failures, backoff) : 0;
    for (;;) {
      if (delay > 0) {
        const signals = [this.wake.signal, ...(this.opts.signal ? [this.opts.signal] : [])];
        await sleep(delay, undefined, { signal: AbortSignal.any(signals) }).catch(() => undefined);
      }
      if (this.current) return this.current;
      if (this.stopped() || options.while?.() === false) return null;
      const started = Date.now();
      try {
        return await this.connectOnce();
      } catch (err) {
        if (this.current) return this.current;
        if (this.stopped()) return null;
        this.failures++;
        delay = backoffDelay(options.waitFirst ? this.failures : this.failures - 1, backoff);
        this.opts.onConnectFailed?.({
          attempt: this.failures,
          error: err instanceof Error ? err : new Error(String(err)),
          elapsedMs: Date.now() - started,
          delayMs: delay,
        });
      }
    }
  }

  private async attempt(): Promise<AmqpLink<T>> {
    const connection = await amqp.connect(this.opts.url, {
      ...(this.opts.connectTimeoutMs ? { timeout: this.opts.connectTimeoutMs } : {}),
      ...(this.opts.connectionName
        ? { clientProperties: { connection_name: this.opts.connectionName } }
        : {}),
    });
    const lost = new AbortController();
    let lastError: Error | undefined;
    // Without an 'error' listener a broker-side close (or a lost socket) would crash the process.
    connection.on("error", (err: Error) => {
      lastError = err;
      this.opts.onError?.(err);
    });
    connection.on("close", (err?: Error) => {
      lost.abort(err ?? lastError ?? new Error("connection closed"));
      this.dropped(link);
    });
    const link: AmqpLink<T> = {
      connection,
      state: undefined as T,
      lost: lost.signal,
      attempt: this.failures + 1,
    };
    try {
      if (this.opts.setup) link.state = await this.opts.setup(connection);
      if (lost.signal.aborted) throw lost.signal.reason as Error;
      if (this.closed) throw new Error("amqp connection closed");
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
    this.current = link;
    this.failures = 0;
    this.wake.abort();
    this.wake = new AbortController();
    this.opts.onConnected?.(link);
    return link;
  }

  private dropped(link: AmqpLink<T>): void {
    if (this.current !== link) return;
    this.current = null;
    if (!this.closed) this.opts.onDisconnected?.(link.lost.reason as Error, link);
  }
}

/**
 * A channel on `connection` whose 'error' events go to `onError` (the 'close' that follows is what counts).
 * `closesConnection`: when the channel closes, so does the connection, whose loss the caller already handles.
 */
export async function openChannel(
  connection: ChannelModel,
  opts: { confirm: true; onError?: (err: Error) => void; closesConnection?: boolean },
): Promise<ConfirmChannel>;
export async function openChannel(
  connection: ChannelModel,
  opts?: { confirm?: boolean; onError?: (err: Error) => void; closesConnection?: boolean },
): Promise<Channel>;
export async function openChannel(
  connection: ChannelModel,
  opts: { confirm?: boolean; onError?: (err: Error) => void; closesConnection?: boolean } = {},
): Promise<Channel> {
  const ch = opts.confirm ? await connection.createConfirmChannel() : await connection.createChannel();
  ch.on("error", (err: Error) => opts.onError?.(err));
  if (opts.closesConnection) ch.on("close", () => void connection.close().catch(() => undefined));
  return ch;
}

export type OutgoingMessage = { routingKey: string; content: Buffer; options?: Options.Publish };

/** Publishes `messages` in order, pausing while the socket's buffer is full; resolves once all are confirmed. */
export async function publishAndConfirm(
  ch: ConfirmChannel,
  exchange: string,
  messages: Iterable<OutgoingMessage>,
): Promise<void> {
  for (const m of messages) {
    if (!ch.publish(exchange, m.routingKey, m.content, m.options))
      await new Promise((resolve) => ch.once("drain", resolve));
  }
  await ch.waitForConfirms();
}
