/**
 * Publishes to RabbitMQ with publisher confirms and keeps every message until the broker confirms it: `publish`
 * resolves only then. Messages go out in the order they were given; after a lost connection everything still
 * unconfirmed goes out again, in that order, before anything new (some may then arrive twice: message ids make
 * that harmless). A nacked message is published again. Reconnects back off exponentially from `baseDelayMs` to
 * `maxDelayMs`, logging "attempt N" with how long the attempt took.
 *
 * Memory is the caller's to bound: `inFlight`/`inFlightBytes` say how much waits for confirms and
 * `nextConfirm` resolves when there may be room again; nothing here queues without limit on its own.
 *
 * Messages are published `mandatory`: one that no queue is bound for is returned by the broker (and then
 * confirmed, since the broker did handle it). That is logged, once a minute per routing key, as it usually means
 * the logger index does not exist or is bound to other keys.
 */
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import amqp, { type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import { assertExchanges } from "@/lib/amqp/topology";

export type OutgoingMessage = { routingKey: string; body: Buffer; options: Options.Publish };

export type ConfirmPublisherOptions = {
  url: string;
  exchange: string;
  log: (line: string) => void;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Seconds; used unless the URL sets `heartbeat`. Detects a broker that vanished without closing the socket. */
  heartbeatSec?: number;
};

type Entry = {
  msg: OutgoingMessage;
  resolve: () => void;
  reject: (err: Error) => void;
  /** Which send this entry waits on: confirms of an earlier send (a lost channel, a nack) are ignored. */
  send: number;
};

type Link = { conn: ChannelModel; ch: ConfirmChannel; lost: AbortSignal };

const RETURN_LOG_INTERVAL_MS = 60_000;

/** The broker address without credentials, for logs. */
export function brokerAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "(unparsable AMQP URL)";
  }
}

export class ConfirmPublisher {
  /** Published or waiting to be, not yet confirmed, in publish order. */
  private readonly entries = new Set<Entry>();
  private toSend: Entry[] = [];
  private bytes = 0;
  private sends = 0;
  private link: Link | null = null;
  private sending = false;
  private confirmWait: Promise<void> | null = null;
  private confirmWake: (() => void) | null = null;
  private readonly closing = new AbortController();
  private readonly stopped = new AbortController();
  private running: Promise<void> | null = null;
  private readonly returnsLogged = new Map<string, number>();
  private highWater = 0;
  confirmed = 0;

  constructor(private readonly opts: ConfirmPublisherOptions) {}

  get inFlight(): number {
    return this.entries.size;
  }

  get inFlightBytes(): number {
    return this.bytes;
  }

  /** The most messages ever waiting for confirms at once. */
  get maxInFlightSeen(): number {
    return this.highWater;
  }

  get connected(): boolean {
    return this.link !== null;
  }

  start(): void {
    this.running ??= this.run();
  }

  publish(msg: OutgoingMessage): Promise<void> {
    if (this.closing.signal.aborted) return Promise.reject(new Error("publisher is closing"));
    return new Promise<void>((resolve, reject) => {
      const e: Entry = { msg, resolve, reject, send: 0 };
      this.entries.add(e);
      this.bytes += msg.body.length;
      this.highWater = Math.max(this.highWater, this.entries.size);
      this.toSend.push(e);
      this.kick();
    });
  }

  /** Resolves at the next confirm (or when abandoned); callers until then share one promise. */
  nextConfirm(): Promise<void> {
    this.confirmWait ??= new Promise<void>((resolve) => (this.confirmWake = resolve));
    return this.confirmWait;
  }

  /** Waits until every message is confirmed (reconnecting as long as it takes), then disconnects. */
  async close(): Promise<void> {
    this.closing.abort();
    while (this.entries.size > 0 && !this.stopped.signal.aborted) await this.nextConfirm();
    this.stopped.abort();
    await this.link?.conn.close().catch(() => undefined);
    await this.running;
  }

  /** Stops at once: unconfirmed messages are given up (their `publish` promises reject). */
  abandon(): void {
    this.closing.abort();
    this.stopped.abort();
    void this.link?.conn.close().catch(() => undefined);
    for (const e of this.entries) e.reject(new Error("publisher abandoned"));
    this.entries.clear();
    this.toSend = [];
    this.bytes = 0;
    this.wakeConfirmWaiters();
  }

  private async run(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      const link = await this.connect();
      if (!link) break;
      this.link = link;
      this.kick();
      const over = AbortSignal.any([link.lost, this.stopped.signal]);
      if (!over.aborted) await once(over, "abort");
      this.link = null;
      await link.conn.close().catch(() => undefined);
      // Everything the lost channel did not confirm goes out again, in publish order.
      this.toSend = [...this.entries];
      if (!this.stopped.signal.aborted)
        this.opts.log(
          `connection to ${brokerAddress(this.opts.url)} lost (${(link.lost.reason as Error).message}); ` +
            `${this.entries.size} messages to publish again after reconnecting`,
        );
    }
  }

  private async connect(): Promise<Link | null> {
    const base = this.opts.baseDelayMs ?? 250;
    const max = this.opts.maxDelayMs ?? 30_000;
    for (let attempt = 1; !this.stopped.signal.aborted; attempt++) {
      const started = Date.now();
      let conn: ChannelModel | undefined;
      try {
        conn = await amqp.connect(this.connectUrl(), { timeout: 10_000 });
        const lost = new AbortController();
        // Without 'error' listeners a broker-side close would crash the process.
        conn.on("error", (err: Error) => this.opts.log(`connection error: ${err.message}`));
        conn.on("close", () => lost.abort(new Error("connection closed")));
        conn.on("blocked", (reason: string) =>
          this.opts.log(`broker blocked publishing (${reason}); waiting for it to resume`),
        );
        conn.on("unblocked", () => this.opts.log("broker resumed publishing"));
        const ch = await conn.createConfirmChannel();
        ch.on("error", (err: Error) => this.opts.log(`channel error: ${err.message}`));
        ch.on("close", () => lost.abort(new Error("channel closed")));
        ch.on("return", (m: { fields: { routingKey: string } }) => this.logReturn(m.fields.routingKey));
        await assertExchanges(ch, this.opts.exchange);
        if (attempt > 1) this.opts.log(`connected to ${brokerAddress(this.opts.url)} on attempt ${attempt}`);
        return { conn, ch, lost: lost.signal };
      } catch (err) {
        await conn?.close().catch(() => undefined);
        const delay = Math.min(max, base * 2 ** Math.min(attempt - 1, 16));
        this.opts.log(
          `connect to ${brokerAddress(this.opts.url)}: attempt ${attempt} failed after ${Date.now() - started} ms: ` +
            `${(err as Error).message}; retrying in ${delay} ms`,
        );
        await sleep(delay, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      }
    }
    return null;
  }

  private connectUrl(): string {
    try {
      const u = new URL(this.opts.url);
      if (!u.searchParams.has("heartbeat"))
        u.searchParams.set("heartbeat", String(this.opts.heartbeatSec ?? 15));
      return u.toString();
    } catch {
      return this.opts.url;
    }
  }

  private kick(): void {
    const link = this.link;
    if (this.sending || !link || this.toSend.length === 0) return;
    this.sending = true;
    this.sendAll(link)
      .catch(() => undefined)
      .finally(() => {
        this.sending = false;
        if (this.link === link) this.kick();
      });
  }

  private async sendAll(link: Link): Promise<void> {
    while (this.link === link && !link.lost.aborted) {
      const e = this.toSend.shift();
      if (!e) return;
      if (!this.entries.has(e)) continue;
      const send = ++this.sends;
      e.send = send;
      const { routingKey, body, options } = e.msg;
      const flowing = link.ch.publish(
        this.opts.exchange,
        routingKey,
        body,
        { ...options, mandatory: true },
        (err) => this.settle(e, send, link, err),
      );
      if (!flowing) await once(link.ch, "drain", { signal: link.lost });
    }
  }

  private settle(e: Entry, send: number, link: Link, err: unknown): void {
    if (e.send !== send || !this.entries.has(e)) return;
    if (err) {
      e.send = 0;
      // A nack is sent again here; a closing channel calls back with an error too, before it reports itself
      // lost, so look again once its close has been handled: then the reconnect sends everything again.
      setImmediate(() => {
        if (e.send !== 0 || !this.entries.has(e) || this.link !== link || link.lost.aborted) return;
        this.toSend.push(e);
        this.kick();
      });
      return;
    }
    this.entries.delete(e);
    this.bytes -= e.msg.body.length;
    this.confirmed++;
    e.resolve();
    this.wakeConfirmWaiters();
  }

  private wakeConfirmWaiters(): void {
    const wake = this.confirmWake;
    this.confirmWait = null;
    this.confirmWake = null;
    wake?.();
  }

  private logReturn(routingKey: string): void {
    const now = Date.now();
    if (now - (this.returnsLogged.get(routingKey) ?? 0) < RETURN_LOG_INTERVAL_MS) return;
    this.returnsLogged.set(routingKey, now);
    this.opts.log(
      `no queue is bound for routing key "${routingKey}" on exchange "${this.opts.exchange}": the broker drops ` +
        `these records (create the logger index, or bind its queue to this key)`,
    );
  }
}
