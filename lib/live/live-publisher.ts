/**
 * The collector's side of live tails: every stored batch is published to the live exchange, best effort. A plain
 * channel (no confirms) on the collector's connection, made anew with each connection (the collector's
 * AmqpConnection setup); a publish never waits and never fails indexing. When the channel is gone or its buffer
 * is full, the batch is dropped and logged (at most once a minute), and the sequence number still advances, so
 * tails see the gap and back-fill it from the index (live-message.ts).
 */
import type { Channel, ChannelModel } from "amqplib";
import { randomUUID } from "node:crypto";
import { openChannel } from "@/lib/amqp/amqp-connection";
import { assertLiveExchange, liveExchange } from "@/lib/amqp/topology";
import type { NormalizedRecord } from "@/lib/records/normalize-record";
import { encodeLiveMessages, LIVE_HEADERS } from "./live-message";

const LOG_EVERY_MS = 60_000;

export class LivePublisher {
  private channel: Channel | null = null;
  private opening: Promise<void> | null = null;
  private blocked = false;
  private readonly id = randomUUID();
  private readonly seq = new Map<string, number>();
  private dropped = 0;
  private lastLog = 0;

  constructor(
    private readonly connection: ChannelModel,
    private readonly exchange: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens the channel and declares the exchange; never throws (publishing is retried on the next batch). */
  open(): Promise<void> {
    this.opening ??= (async () => {
      try {
        const ch = await openChannel(this.connection, {
          onError: (err) => this.log(`live channel error: ${err.message}`),
        });
        ch.on("close", () => {
          if (this.channel === ch) this.channel = null;
        });
        ch.on("drain", () => (this.blocked = false));
        await assertLiveExchange(ch, this.exchange);
        this.channel = ch;
        this.blocked = false;
      } catch (err) {
        this.log(`live exchange not available: ${(err as Error).message}`);
      }
    })().finally(() => (this.opening = null));
    return this.opening;
  }

  /** Publishes one stored batch; returns at once. */
  publish(index: string, stored: NormalizedRecord[]): void {
    if (stored.length === 0) return;
    const ch = this.channel;
    for (const body of encodeLiveMessages(index, stored)) {
      const seq = (this.seq.get(index) ?? 0) + 1;
      this.seq.set(index, seq);
      if (!ch || this.blocked) {
        this.drop(ch ? "channel buffer full" : "no channel");
        continue;
      }
      try {
        const ok = ch.publish(liveExchange(this.exchange), index, body, {
          contentType: "application/json",
          headers: { [LIVE_HEADERS.publisher]: this.id, [LIVE_HEADERS.seq]: seq },
        });
        // The message is buffered either way; the next ones wait for 'drain' rather than pile up.
        if (!ok) this.blocked = true;
      } catch (err) {
        this.drop((err as Error).message);
      }
    }
    if (!ch && !this.opening) void this.open();
  }

  async close(): Promise<void> {
    await this.opening;
    await this.channel?.close().catch(() => undefined);
    this.channel = null;
  }

  private drop(why: string): void {
    this.dropped++;
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.log(`live publish dropped (${why}); ${this.dropped} messages dropped so far; tails back-fill them`);
  }
}
