/**
 * `alco agent`: tails log files on one host and publishes each line (or multi-line record) to RabbitMQ with
 * confirms. One loop: every `globIntervalMs` expand the patterns and match what is found to the files already
 * followed by (device, inode); every `pollMs` read what is new in each. Polling, not fs.watch: inotify misses
 * events on network and overlay filesystems and across renames, and a stat per file per poll is cheap. The cost
 * is latency: a new line is sent within `pollMs` (default 250 ms; a held multi-line record after `idleMs` more),
 * a new file is found within `globIntervalMs` (default 1 s).
 *
 * Rotation. A file whose (device, inode) is no longer at any matched path was renamed or deleted: it is read to
 * its end and its last record sent before the file now at its old path is read (rename + create); it stays open
 * for `rotateGraceMs` after its last growth, in case its writer has not reopened yet, then is closed and
 * forgotten once its records are confirmed. copytruncate and truncation are seen by the file's own tailer
 * (file-tailer.ts). A deleted and recreated file is a new inode: a new file, read from the start.
 *
 * Where reading starts. A file the state file knows resumes at its committed offset, if it is still the same file
 * (same inode, at least that long, same first bytes). On the very first start (no state file) the files found
 * are read from their end, or from the start with `fromStart`; every file that appears later, or that a later
 * start finds without state, is read from its start. On start, a known file rotated while the agent was stopped
 * is looked for in its old directory by inode and read to its end.
 *
 * Backpressure: reading stops while `maxInFlight` records or `maxInFlightBytes` bytes await confirms, so a
 * broker that is down or blocking costs bounded memory; the files keep the data meanwhile.
 */
import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { AmqpPublisher, type PublisherEvent } from "@alco/amqp-publisher";
import { brokerAddress } from "@/lib/amqp/amqp-connection";
import { agentRoutingKey, buildRecordBody, recordMessageId } from "./agent-record";
import { fileLineSeq, SEQ_HEADER } from "@/lib/records/record-seq";
import { expandGlobs } from "./expand-globs";
import {
  FileTailer,
  endOfLastLine,
  fingerprint,
  fingerprintMatches,
  newFileEntry,
  type TailedRecord,
  type TailerContext,
} from "./file-tailer";
import type { LineFormat } from "./line-parsers";
import { OffsetStore, type OffsetEntry } from "./offset-store";

export type AgentOptions = {
  url: string;
  exchange: string;
  /** How the exchange is declared if it does not exist (AMQP_EXCHANGE_DURABLE); default durable. */
  exchangeDurable?: boolean;
  prefix: string;
  /** The logger index the records go to (routing key `<prefix>.<index>.<logger>`). */
  index: string;
  /** The record's `logger` field. */
  logger: string;
  host: string;
  tags: string[];
  statePath: string;
  fromStart: boolean;
  format: LineFormat;
  patterns: string[];
  log: (line: string) => void;
  pollMs?: number;
  globIntervalMs?: number;
  multilineIdleMs?: number;
  rotateGraceMs?: number;
  maxInFlight?: number;
  maxInFlightBytes?: number;
  maxLineBytes?: number;
  maxRecordLines?: number;
  maxRecordBytes?: number;
  /** How soon a commit reaches the state file: what a crash may re-send (deduplicated by message id). */
  saveDelayMs?: number;
  reconnectBaseDelayMs?: number;
  reconnectMaxDelayMs?: number;
};

export type AgentStats = {
  connected: boolean;
  inFlight: number;
  maxInFlightSeen: number;
  confirmed: number;
  files: { path: string; offset: number; position: number; detached: boolean }[];
};

const DEFAULTS = {
  pollMs: 250,
  globIntervalMs: 1000,
  multilineIdleMs: 500,
  rotateGraceMs: 5000,
  maxInFlight: 1000,
  maxInFlightBytes: 16 * 1024 * 1024,
  maxLineBytes: 256 * 1024,
  maxRecordLines: 500,
  maxRecordBytes: 512 * 1024,
  saveDelayMs: 200,
  chunkBytes: 64 * 1024,
};

function identityOf(st: { dev: bigint; ino: bigint }): { dev: string; ino: string } {
  return { dev: String(st.dev), ino: String(st.ino) };
}

const RETURN_LOG_INTERVAL_MS = 60_000;

const keyOf = (id: { dev: string; ino: string }) => `${id.dev}:${id.ino}`;

export class Agent {
  readonly routingKey: string;
  private readonly o: AgentOptions & typeof DEFAULTS;
  /** Made by `start()`: it connects as soon as it exists. */
  private publisher: AmqpPublisher | null = null;
  /** Sent and not yet confirmed: what bounds reading (`maxInFlight`, `maxInFlightBytes`). */
  private inFlight = 0;
  private inFlightBytes = 0;
  private maxInFlightSeen = 0;
  private confirmWait: Promise<void> | null = null;
  private confirmWake: (() => void) | null = null;
  private readonly returnsLogged = new Map<string, number>();
  private readonly tailers = new Map<string, FileTailer>();
  private readonly stopLoop = new AbortController();
  private store!: OffsetStore;
  private ctx!: TailerContext;
  private loop: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private readonly failing = new Set<string>();
  private wake: (() => void) | null = null;
  private unsaved = false;
  private watchedConfirm: Promise<void> | null = null;

  constructor(options: AgentOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = { ...DEFAULTS, ...(defined as AgentOptions) };
    this.routingKey = agentRoutingKey(this.o.prefix, this.o.index, this.o.logger);
  }

  /** Opens the state, finds the files and starts tailing. Rejects if the state file cannot be read. */
  async start(): Promise<void> {
    const o = this.o;
    this.store = await OffsetStore.open(o.statePath, o.log);
    this.ctx = {
      format: o.format,
      multiline: { maxLines: o.maxRecordLines, maxBytes: o.maxRecordBytes, idleMs: o.multilineIdleMs },
      maxLineBytes: o.maxLineBytes,
      chunkBytes: DEFAULTS.chunkBytes,
      hasCapacity: () => this.inFlight < o.maxInFlight && this.inFlightBytes < o.maxInFlightBytes,
      send: (r) => this.send(r),
      store: this.store,
      saveDelayMs: o.saveDelayMs,
      log: o.log,
      now: Date.now,
    };
    o.log(
      `tailing ${o.patterns.map((p) => JSON.stringify(p)).join(" ")} to exchange "${o.exchange}" at ` +
        `${brokerAddress(o.url)}, routing key ${this.routingKey}, state ${o.statePath}` +
        (this.store.existed
          ? ""
          : ` (first start: existing files from their ${o.fromStart ? "start" : "end"})`),
    );
    this.publisher = new AmqpPublisher({
      url: o.url,
      exchange: o.exchange,
      ...(o.exchangeDurable !== undefined && { exchangeDurable: o.exchangeDurable }),
      prefix: o.prefix,
      logger: o.logger,
      // The agent bounds what it has in flight and keeps its place in the files: the publisher never drops, and
      // close() waits for every confirm, reconnecting as long as it takes (a second signal abandons).
      maxBuffer: Infinity,
      maxUnconfirmed: Infinity,
      closeTimeoutMs: Infinity,
      mandatory: true,
      heartbeatSec: 15,
      reconnect: {
        initialDelayMs: o.reconnectBaseDelayMs ?? 250,
        maxDelayMs: o.reconnectMaxDelayMs ?? 30_000,
      },
      // Connection trouble is logged from the events, each attempt.
      onWarning: (w) => {
        if (w.code !== "ALCO_RABBITMQ_UNAVAILABLE") o.log(w.message);
      },
      onEvent: (e) => this.logEvent(e),
    });
    await this.scan(true);
    this.loop = this.run();
  }

  /** Stops reading, waits until everything sent is confirmed, saves the offsets. Repeat calls share one stop. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopLoop.abort();
      await this.loop;
      await this.publisher?.close();
      await this.store?.close();
      await this.store?.save();
      for (const t of this.tailers.values()) await t.close();
      this.o.log(`stopped: ${this.publisher?.stats().confirmed ?? 0} records confirmed`);
    })();
    return this.stopping;
  }

  /** Gives up at once (a second signal). Offsets already saved stay valid; unconfirmed lines are read again. */
  abandon(): void {
    this.stopLoop.abort();
    this.publisher?.abandon();
    void this.store?.close();
  }

  stats(): AgentStats {
    return {
      connected: this.publisher?.stats().connected ?? false,
      inFlight: this.inFlight,
      maxInFlightSeen: this.maxInFlightSeen,
      confirmed: this.publisher?.stats().confirmed ?? 0,
      files: [...this.tailers.values()].map((t) => ({
        path: t.path,
        offset: t.offset,
        position: t.position,
        detached: t.detached,
      })),
    };
  }

  /** Resolves once RabbitMQ confirmed the record: only then may the tailer commit its offset. */
  private send(r: TailedRecord): Promise<void> {
    const body = Buffer.from(JSON.stringify(buildRecordBody(r.parsed, r.message, r.readAt, r.path, this.o)));
    this.inFlight++;
    this.inFlightBytes += body.length;
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
    return this.publisher!.send({
      routingKey: this.routingKey,
      body,
      properties: {
        messageId: recordMessageId(this.o.host, r.fileId, r.start),
        headers: { [SEQ_HEADER]: fileLineSeq(r.generation, r.start) },
        persistent: true,
        contentType: "application/json",
        timestamp: Math.floor(r.readAt / 1000),
        appId: "alco-agent",
      },
    }).finally(() => {
      this.inFlight--;
      this.inFlightBytes -= body.length;
      this.wakeConfirmWaiters();
    });
  }

  /** Resolves at the next confirm (or when abandoned); callers until then share one promise. */
  private nextConfirm(): Promise<void> {
    this.confirmWait ??= new Promise<void>((resolve) => (this.confirmWake = resolve));
    return this.confirmWait;
  }

  private wakeConfirmWaiters(): void {
    const wake = this.confirmWake;
    this.confirmWait = null;
    this.confirmWake = null;
    wake?.();
  }

  private logEvent(e: PublisherEvent): void {
    const broker = brokerAddress(this.o.url);
    if (e.type === "connected") {
      if (e.attempt > 1) this.o.log(`connected to ${broker} on attempt ${e.attempt}`);
    } else if (e.type === "connect-failed") {
      this.o.log(
        `connect to ${broker}: attempt ${e.attempt} failed after ${e.elapsedMs} ms: ${e.error.message}; ` +
          `retrying in ${e.delayMs} ms`,
      );
    } else if (e.type === "disconnected") {
      this.o.log(
        `connection to ${broker} lost (${e.error.message}); ${e.buffered} messages to publish again after reconnecting`,
      );
    } else if (e.type === "blocked") {
      this.o.log(`broker blocked publishing (${e.reason}); waiting for it to resume`);
    } else if (e.type === "unblocked") {
      this.o.log("broker resumed publishing");
    } else {
      // Usually the logger index does not exist or is bound to other keys; the broker confirms and drops these.
      const now = Date.now();
      if (now - (this.returnsLogged.get(e.routingKey) ?? 0) < RETURN_LOG_INTERVAL_MS) return;
      this.returnsLogged.set(e.routingKey, now);
      this.o.log(
        `no queue is bound for routing key "${e.routingKey}" on exchange "${this.o.exchange}": the broker drops ` +
          `these records (create the logger index, or bind its queue to this key)`,
      );
    }
  }

  private async run(): Promise<void> {
    const signal = this.stopLoop.signal;
    let nextScan = Date.now() + this.o.globIntervalMs;
    while (!signal.aborted) {
      if (Date.now() >= nextScan) {
        await this.scan(false).catch((err: Error) => this.o.log(`scanning for files failed: ${err.message}`));
        nextScan = Date.now() + this.o.globIntervalMs;
      }
      const blocked = await this.pollAll();
      await this.retire();
      await this.pause(this.o.pollMs, blocked);
    }
  }

  /**
   * Waits a poll interval, or less: until the stop, or (when reading stopped for lack of capacity) until the
   * next confirm makes room. One listener per confirm, however long the broker stays away.
   */
  private pause(ms: number, untilConfirm: boolean): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.stopLoop.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      if (!untilConfirm) return;
      this.wake = done;
      const next = this.nextConfirm();
      if (next === this.watchedConfirm) return;
      this.watchedConfirm = next;
      void next.then(() => this.wake?.());
    });
  }

  /** Rotated files first, so they finish before their successors at the same path start. */
  private async pollAll(): Promise<boolean> {
    let blocked = false;
    const all = [...this.tailers.values()];
    const pending = new Set(all.filter((t) => t.detached && !t.drained).map((t) => t.path));
    for (const t of [...all.filter((t) => t.detached), ...all.filter((t) => !t.detached)]) {
      if (this.stopLoop.signal.aborted) break;
      if (!t.detached && pending.has(t.path)) continue;
      try {
        if (!(await t.poll())) blocked = true;
        this.failing.delete(t.key);
      } catch (err) {
        if (!this.failing.has(t.key)) this.o.log(`reading ${t.path} failed: ${(err as Error).message}`);
        this.failing.add(t.key);
      }
      if (t.detached && !t.drained) pending.add(t.path);
    }
    return blocked;
  }

  private async retire(): Promise<void> {
    const now = Date.now();
    for (const t of [...this.tailers.values()]) {
      if (!t.canRetire(now, this.o.rotateGraceMs)) continue;
      this.tailers.delete(t.key);
      await t.close();
      this.store.delete(t.entryId);
      this.store.scheduleSave(this.o.saveDelayMs);
      this.o.log(`finished ${t.path} (rotated away or deleted) at byte ${t.offset}`);
    }
  }

  private async scan(first: boolean): Promise<void> {
    const seen = new Set<string>();
    for (const p of await expandGlobs(this.o.patterns)) {
      const st = await stat(p, { bigint: true }).catch(() => null);
      if (!st?.isFile()) continue;
      const key = keyOf(identityOf(st));
      if (seen.has(key)) continue;
      seen.add(key);
      const known = this.tailers.get(key);
      if (!known) {
        const t = await this.openTailer(p, first).catch((err: Error) => {
          if (!this.failing.has(p)) this.o.log(`cannot open ${p}: ${err.message}`);
          this.failing.add(p);
          return null;
        });
        if (t) seen.add(t.key);
        continue;
      }
      if (known.path !== p) {
        this.o.log(`${known.path} is now ${p}`);
        known.rename(p);
      }
      known.detached = false;
    }
    for (const t of this.tailers.values()) {
      if (seen.has(t.key) || t.detached) continue;
      t.detached = true;
      this.o.log(`${t.path} was rotated away or deleted: reading it to its end`);
    }
    if (first) await this.resumeRotatedWhileStopped();
    // New entries (and so the ids in their message ids) are on disk before any record of their files is sent.
    if (this.unsaved) await this.store.save();
    this.unsaved = false;
  }

  private async openTailer(p: string, first: boolean): Promise<FileTailer | null> {
    const fh = await open(p, "r");
    try {
      const st = await fh.stat({ bigint: true });
      const identity = identityOf(st);
      const key = keyOf(identity);
      if (this.tailers.has(key)) {
        await fh.close();
        return null;
      }
      const size = Number(st.size);
      const known = this.store.findByIdentity(identity.dev, identity.ino);
      let entry: OffsetEntry;
      if (known && known.offset <= size && (await fingerprintMatches(fh, size, known))) {
        entry = known;
        entry.path = p;
      } else {
        if (known) {
          this.o.log(
            `${p} changed while the agent was stopped (truncated or replaced): reading it from the start`,
          );
          this.store.delete(known.id);
        }
        const fromEnd = !known && first && !this.store.existed && !this.o.fromStart;
        const offset = fromEnd ? await endOfLastLine(fh, size) : 0;
        entry = newFileEntry(p, identity, offset, await fingerprint(fh, size));
        this.store.put(entry);
        this.unsaved = true;
      }
      const tailer = new FileTailer(fh, key, p, entry, this.ctx);
      this.tailers.set(key, tailer);
      this.failing.delete(p);
      this.o.log(`following ${p} from byte ${entry.offset} of ${size}`);
      return tailer;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /**
   * State entries no matched path leads to: files rotated (renamed) while the agent was stopped. Each is looked
   * for by inode in its old directory and read to its end; one that is gone is forgotten.
   */
  private async resumeRotatedWhileStopped(): Promise<void> {
    const open_ = new Set([...this.tailers.values()].map((t) => t.entryId));
    for (const e of this.store.list()) {
      if (open_.has(e.id)) continue;
      const found = await findByInode(path.dirname(e.path), e.dev, e.ino);
      const fh = found ? await open(found, "r").catch(() => null) : null;
      const size = fh ? Number((await fh.stat()).size) : 0;
      if (!fh || e.offset > size || !(await fingerprintMatches(fh, size, e))) {
        await fh?.close();
        this.o.log(`${e.path} is gone since the agent stopped; forgetting it`);
        this.store.delete(e.id);
        continue;
      }
      const tailer = new FileTailer(fh, keyOf(e), e.path, e, this.ctx);
      tailer.detached = true;
      this.tailers.set(tailer.key, tailer);
      this.o.log(`${e.path} was rotated to ${found} while the agent was stopped: reading it to its end`);
    }
    this.unsaved = true;
  }
}

async function findByInode(dir: string, dev: string, ino: string): Promise<string | null> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    const p = path.join(dir, n);
    const st = await stat(p, { bigint: true }).catch(() => null);
    if (st?.isFile() && String(st.dev) === dev && String(st.ino) === ino) return p;
  }
  return null;
}
