/**
 * The generated corpus the scale benchmarks read: published through the real path (AMQP → collector → engine),
 * optionally with the same lines written to a text file for grep. bench/scale.ts and bench/order-cost.ts load it
 * the same way.
 */
import amqp from "amqplib";
import type { ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { GeneratedRecord } from "@/lib/demo/generate-records";
import type { Engine } from "@/lib/engine/engine-client";
import { utcDayStart } from "@/lib/engine/retention";
import {
  countTableSql,
  dailyTableName,
  fieldsTextOf,
  replaceRowsSql,
  type EngineRow,
} from "@/lib/engine/sphinxql-dialect";
import { normalizeRecord, type NormalizedRecord } from "@/lib/records/normalize-record";
import { arrivalClock } from "@/lib/records/record-seq";
import type { StackEnv } from "../test/stack";
import { treeRss } from "./server-stack";

const log = (l: string) => console.log(`[bench] ${l}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

export type Publisher = {
  publish: (r: GeneratedRecord) => Promise<void>;
  flush: () => Promise<void>;
  close: () => Promise<void>;
};

export async function openPublisher(env: Pick<StackEnv, "AMQP_URL" | "AMQP_EXCHANGE">): Promise<Publisher> {
  const conn = await amqp.connect(env.AMQP_URL);
  const ch = await conn.createConfirmChannel();
  let unconfirmed = 0;
  return {
    publish: async (r) => {
      const ok = ch.publish(env.AMQP_EXCHANGE, r.routingKey, Buffer.from(JSON.stringify(r.body)), {
        persistent: true,
        messageId: r.messageId,
        contentType: "application/json",
      });
      if (!ok) await new Promise((res) => ch.once("drain", res));
      if (++unconfirmed >= 5000) {
        unconfirmed = 0;
        await ch.waitForConfirms();
      }
    },
    flush: () => ch.waitForConfirms(),
    close: async () => {
      await ch.waitForConfirms();
      await conn.close();
    },
  };
}

export type Corpus = {
  /** Where the same lines go as text, for grep; null: nowhere. */
  textFile: string | null;
  generator: Generator<GeneratedRecord, never>;
  written: number;
  /** A record from early in the corpus whose request id the "rare word" question looks for. */
  needle: string | null;
  spanStartMs: number;
};

/** What ingesting needs of a running stack: where to publish, the index it lands in, the collector process. */
export type IngestStack = {
  env: Pick<StackEnv, "AMQP_URL" | "AMQP_EXCHANGE">;
  index: { name: string };
  collector: ChildProcess;
};

/** Publishes the corpus on up to `target` records and waits until the engine holds them all. */
export async function ingestTo(
  stack: IngestStack,
  engine: Engine,
  corpus: Corpus,
  target: number,
): Promise<{ rate: number; collectorPeakRss: number; collectorMeanRss: number }> {
  const pub = await openPublisher(stack.env);
  const text: WriteStream | null = corpus.textFile
    ? createWriteStream(corpus.textFile, { flags: "a" })
    : null;
  const rss: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rss.push(await treeRss(stack.collector.pid!));
      await sleep(1000);
    }
  })();
  const startCount = corpus.written;
  const started = performance.now();
  while (corpus.written < target) {
    const r = corpus.generator.next().value;
    // The rare word: the build hash of a static file, one of a kind, like a request or trace id.
    if (corpus.needle === null && corpus.written >= 500_000) {
      const m = /app\.([0-9a-f]{6})\.js/.exec(r.line);
      if (m) corpus.needle = m[1]!;
    }
    await pub.publish(r);
    if (text && !text.write(`${r.line}\n`)) await new Promise<void>((res) => text.once("drain", () => res()));
    corpus.written++;
    if (corpus.written % 500_000 === 0) log(`published ${corpus.written}`);
  }
  await pub.close();
  if (text) await new Promise<void>((res) => text.end(() => res()));
  for (;;) {
    const n = Number((await engine.query<{ n: string }>(countTableSql(stack.index.name)))[0]!.n);
    if (n >= target) break;
    if (stack.collector.exitCode !== null)
      throw new Error(`collector exited with ${stack.collector.exitCode}`);
    await sleep(200);
  }
  const rate = (target - startCount) / ((performance.now() - started) / 1000);
  sampling = false;
  await sampler;
  // Start-up is not steady state: the mean is over the samples after the first 5 s.
  const steady = rss.slice(5);
  return {
    rate,
    collectorPeakRss: Math.max(...rss),
    collectorMeanRss: steady.reduce((s, v) => s + v, 0) / Math.max(1, steady.length),
  };
}

/** Bytes of an index's day tables on disk, in the engine's data directory. */
export async function engineDiskBytes(dataDir: string, index: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dataDir)) {
    if (f.startsWith(`${index}_`)) total += (await stat(path.join(dataDir, f))).size;
  }
  return total;
}

/** A generated record as the collector normalizes it, arriving by `arrived` (an arrival clock as the collector's). */
export function normalizeGenerated(r: GeneratedRecord, arrived: () => number): NormalizedRecord {
  const n = normalizeRecord(
    {
      body: Buffer.from(JSON.stringify(r.body)),
      routingKey: r.routingKey,
      messageId: r.messageId,
      receivedAt: Date.now(),
      arrivedMicros: arrived(),
    },
    { maxBytes: 2 ** 21, logcollectTimeZone: "UTC" },
  );
  if (!n.ok) throw new Error(n.reason);
  return n.record;
}

/** The row the collector writes for a record of an index without indexed or excluded columns. */
export function plainRow(x: NormalizedRecord): EngineRow {
  return {
    id: x.id,
    ts: x.ts,
    seq: x.seq,
    message: x.message,
    fieldsText: fieldsTextOf(x.fields),
    lvl: x.lvl,
    level: x.level,
    logger: x.logger,
    host: x.host,
    json: JSON.stringify(x.fields),
  };
}

/**
 * The corpus written straight into the engine, as the collector writes it (normalizeRecord with an arrival clock as
 * the collector's, the row an index without indexed or excluded columns gets, REPLACE statements of `batch`
 * rows) but without AMQP in between: several times faster where the reads, not the ingest, are measured.
 */
export async function writeDirect(
  engine: Engine,
  index: string,
  corpus: Corpus,
  target: number,
  batch = 2000,
): Promise<{ rate: number }> {
  const started = performance.now();
  const startCount = corpus.written;
  const arrived = arrivalClock();
  // Two statements in flight, one per connection of the engine's pool, so the engine is never idle waiting.
  const inFlight: Promise<unknown>[] = [];
  const pending = new Map<string, EngineRow[]>();
  const send = async (table: string, rows: EngineRow[]) => {
    if (inFlight.length >= 2) await inFlight.shift();
    inFlight.push(engine.query(replaceRowsSql(table, rows)));
  };
  while (corpus.written < target) {
    const r = corpus.generator.next().value;
    if (corpus.needle === null && corpus.written >= 500_000) {
      const m = /app\.([0-9a-f]{6})\.js/.exec(r.line);
      if (m) corpus.needle = m[1]!;
    }
    const x = normalizeGenerated(r, arrived);
    const table = dailyTableName(index, utcDayStart(x.ts));
    const rows = pending.get(table) ?? [];
    rows.push(plainRow(x));
    pending.set(table, rows);
    if (rows.length >= batch) {
      pending.delete(table);
      await send(table, rows);
    }
    corpus.written++;
    if (corpus.written % 500_000 === 0) log(`written ${corpus.written}`);
  }
  for (const [table, rows] of pending) await send(table, rows);
  await Promise.all(inFlight);
  return { rate: (target - startCount) / ((performance.now() - started) / 1000) };
}
