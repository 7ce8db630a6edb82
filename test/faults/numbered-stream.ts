/**
 * What the collector fault tests share besides the collector process (collector-process.ts): a paced publisher
 * of numbered records, a view of the queue, and the figures that prove a stream arrived whole.
 * Everything talks to loopback services of the isolated stack (test/global-setup.ts).
 */
import amqp, { type Channel, type ChannelModel } from "amqplib";
import type { Engine } from "@/lib/engine/engine-client";
import { assertIndexName } from "@/lib/engine/sphinxql-dialect";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type NumberedPublisher = {
  /** Records the broker has confirmed so far. */
  confirmed: () => number;
  /** Resolves with the time the last record was confirmed. */
  done: Promise<number>;
  /** Stops early (on a failed test) and closes the connection. */
  close: () => Promise<void>;
};

/**
 * Publishes `total` records numbered 0…total-1 in field `seq`, each with a unique message id, paced at about
 * `ratePerSec`, with confirms awaited every chunk (a publisher that closes before its confirms loses messages,
 * DESIGN.md).
 */
export function publishNumbered(opts: {
  routingKey: string;
  total: number;
  ratePerSec: number;
  runId: string;
  body?: (seq: number) => Record<string, unknown>;
}): NumberedPublisher {
  const chunk = 500;
  let confirmed = 0;
  let stopped = false;
  let conn: ChannelModel | null = null;
  const done = (async () => {
    conn = await amqp.connect(process.env.AMQP_URL!);
    const ch = await conn.createConfirmChannel();
    const exchange = process.env.AMQP_EXCHANGE!;
    await ch.assertExchange(exchange, "topic", { durable: true });
    const started = Date.now();
    for (let seq = 0; seq < opts.total && !stopped;) {
      const end = Math.min(opts.total, seq + chunk);
      for (; seq < end; seq++) {
        const body = {
          message: `numbered record ${seq}`,
          level: "info",
          timestamp: new Date().toISOString(),
          ...opts.body?.(seq),
          seq,
        };
        const ok = ch.publish(exchange, opts.routingKey, Buffer.from(JSON.stringify(body)), {
          persistent: true,
          contentType: "application/json",
          messageId: `${opts.runId}-${seq}`,
        });
        if (!ok) await new Promise((r) => ch.once("drain", r));
      }
      await ch.waitForConfirms();
      confirmed = seq;
      const due = started + (seq / opts.ratePerSec) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const finishedAt = Date.now();
    await conn.close();
    conn = null;
    return finishedAt;
  })();
  return {
    confirmed: () => confirmed,
    done,
    close: async () => {
      stopped = true;
      await done.catch(() => undefined);
      await conn?.close().catch(() => undefined);
    },
  };
}

/** Ready (unacked not included) messages and consumers of a queue, read without touching it. */
export class QueueWatch {
  private conn: ChannelModel | null = null;
  private ch: Channel | null = null;

  constructor(private readonly queue: string) {}

  async depth(): Promise<{ messageCount: number; consumerCount: number }> {
    this.conn ??= await amqp.connect(process.env.AMQP_URL!);
    if (!this.ch) {
      const ch = await this.conn.createChannel();
      // A failed check (a deleted queue) closes the channel; the next call opens another.
      ch.on("error", () => undefined);
      ch.on("close", () => {
        if (this.ch === ch) this.ch = null;
      });
      this.ch = ch;
    }
    const { messageCount, consumerCount } = await this.ch.checkQueue(this.queue);
    return { messageCount, consumerCount };
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
    this.conn = null;
    this.ch = null;
  }
}

export type SeqFigures = {
  count: number;
  distinct: number;
  sum: number;
  min: number;
  max: number;
  /** Copies of the most repeated seq: 1 when nothing is stored twice. */
  maxCopies: number;
};

/**
 * Count, sum, min and max of `seq` over an index, and from grouping by `seq` the number of distinct values and the
 * copies of the most repeated one, by SphinxQL. Grouping keeps at most max_matches groups, so it is sized to hold
 * them all and the figures are exact.
 */
export async function seqFigures(engine: Engine, index: string): Promise<SeqFigures> {
  const table = assertIndexName(index);
  const [agg] = await engine.query<Record<string, unknown>>(
    `SELECT INTEGER(js.seq) AS q, COUNT(*) AS n, SUM(q) AS s, MIN(q) AS lo, MAX(q) AS hi FROM ${table}`,
  );
  const count = Number(agg?.n ?? 0);
  const [[top], meta] = (await engine.queryMulti(
    `SELECT INTEGER(js.seq) AS q, COUNT(*) AS c FROM ${table} GROUP BY q ORDER BY c DESC LIMIT 1 ` +
      `OPTION max_matches=${count + 1000}; SHOW META`,
  )) as [Record<string, unknown>[], { Variable_name: string; Value: string }[]];
  return {
    count,
    distinct: Number(meta.find((m) => m.Variable_name === "total_found")?.Value ?? 0),
    sum: Number(agg?.s ?? 0),
    min: Number(agg?.lo ?? NaN),
    max: Number(agg?.hi ?? NaN),
    maxCopies: Number(top?.c ?? 0),
  };
}

/** The figures of a stream of `total` records numbered from 0 that arrived whole, once each. */
export function wholeStream(total: number): SeqFigures {
  return {
    count: total,
    distinct: total,
    sum: (total * (total - 1)) / 2,
    min: 0,
    max: total - 1,
    maxCopies: 1,
  };
}

/** A small seeded generator, so a failing run's kill points can be replayed with FAULTS_SEED. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}
