/**
 * Fixtures for the agent's tests (not used by the agent itself): a temporary directory per test, a FileTailer on
 * a real file with a fake broker whose confirms the test controls, and a queue bound to a routing key that
 * collects what the agent published. The TCP proxy that cuts RabbitMQ away is the shared one, test/tcp-proxy.ts.
 */
import amqp, { type ChannelModel } from "amqplib";
import { randomUUID } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  FileTailer,
  fingerprint,
  newFileEntry,
  type TailedRecord,
  type TailerContext,
} from "@/lib/agent/file-tailer";
import type { LineFormat } from "@/lib/agent/line-parsers";
import { OffsetStore } from "@/lib/agent/offset-store";

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "alco-agent-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export type TailerHarness = {
  tailer: FileTailer;
  store: OffsetStore;
  /** Records handed to the broker, in order. */
  sent: TailedRecord[];
  /** Confirms the first `n` unconfirmed records (all by default), in the order given, or `order` by index. */
  confirm: (order?: number[]) => Promise<void>;
  /** How many records await confirms. */
  unconfirmed: () => number;
  clock: { now: number };
  poll: () => Promise<boolean>;
  /** Stops saving and closes the file. */
  dispose: () => Promise<void>;
};

export async function tailerHarness(
  file: string,
  opts: {
    format?: LineFormat;
    statePath: string;
    offset?: number;
    maxInFlight?: number;
    autoConfirm?: boolean;
    maxLineBytes?: number;
    maxLines?: number;
    w3cFields?: string[];
  },
): Promise<TailerHarness> {
  const store = await OffsetStore.open(opts.statePath, () => undefined);
  const fh = await open(file, "r");
  const st = await fh.stat({ bigint: true });
  const entry = newFileEntry(
    file,
    { dev: String(st.dev), ino: String(st.ino) },
    opts.offset ?? 0,
    await fingerprint(fh, Number(st.size)),
  );
  if (opts.w3cFields) entry.w3cFields = opts.w3cFields;
  store.put(entry);
  const sent: TailedRecord[] = [];
  const waiting: { resolve: () => void }[] = [];
  const clock = { now: Date.now() };
  const ctx: TailerContext = {
    format: opts.format ?? "auto",
    multiline: { maxLines: opts.maxLines ?? 500, maxBytes: 512 * 1024, idleMs: 500 },
    maxLineBytes: opts.maxLineBytes ?? 256 * 1024,
    chunkBytes: 64 * 1024,
    hasCapacity: () => waiting.length < (opts.maxInFlight ?? Infinity),
    send: (r) => {
      sent.push(r);
      if (opts.autoConfirm ?? true) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.push({ resolve }));
    },
    store,
    saveDelayMs: 0,
    log: () => undefined,
    now: () => clock.now,
  };
  const tailer = new FileTailer(fh, `${entry.dev}:${entry.ino}`, file, entry, ctx);
  return {
    tailer,
    store,
    sent,
    clock,
    unconfirmed: () => waiting.length,
    poll: () => tailer.poll(),
    dispose: async () => {
      await store.close();
      await tailer.close();
    },
    confirm: async (order) => {
      const batch = waiting.splice(0, waiting.length);
      const picked = order ? order.map((i) => batch[i]!) : batch;
      const rest = batch.filter((w) => !picked.includes(w));
      waiting.push(...rest);
      for (const w of picked) {
        w.resolve();
        // Lets the tailer's confirm handler run before the next one resolves.
        await Promise.resolve();
        await Promise.resolve();
      }
    },
  };
}

export type TappedMessage = { messageId: string; routingKey: string; body: Record<string, unknown> };

/** A queue bound to one routing key that collects every message published to it. */
export class QueueTap {
  readonly messages: TappedMessage[] = [];
  private constructor(
    private readonly conn: ChannelModel,
    readonly queue: string,
  ) {}

  static async open(url: string, exchange: string, routingKey: string): Promise<QueueTap> {
    const conn = await amqp.connect(url);
    conn.on("error", () => undefined);
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);
    await ch.assertExchange(exchange, "topic", { durable: true });
    const queue = `alco_agent_test_${randomUUID().slice(0, 8)}`;
    await ch.assertQueue(queue, { exclusive: true, autoDelete: true });
    await ch.bindQueue(queue, exchange, routingKey);
    const tap = new QueueTap(conn, queue);
    await ch.consume(
      queue,
      (m) => {
        if (!m) return;
        tap.messages.push({
          messageId: String(m.properties.messageId),
          routingKey: m.fields.routingKey,
          body: JSON.parse(m.content.toString("utf8")) as Record<string, unknown>,
        });
      },
      { noAck: true },
    );
    return tap;
  }

  /** Messages by first delivery of each message id: what the collector stores. */
  unique(): TappedMessage[] {
    const seen = new Set<string>();
    return this.messages.filter((m) => !seen.has(m.messageId) && seen.add(m.messageId));
  }

  async close(): Promise<void> {
    await this.conn.close().catch(() => undefined);
  }
}
