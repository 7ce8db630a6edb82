/**
 * One live tail: the lines of some indexes that match a query, from a start position on, in position order
 * (`(ts, id)`, the grep API's cursor order), each line once, as long as the client stays. The SSE endpoint and
 * /stream are two ways of writing what a session releases.
 *
 * Gap-free start: the session subscribes to the live feed FIRST (arrivals are held), then back-fills from the
 * start position out of the index in keyset pages, then releases the held arrivals it has not sent. A record is
 * stored before it is published, so whatever the back-fill's last query missed arrives live; whatever arrives
 * twice is skipped (held records by id, released ones by position). The same catch-up runs again whenever the
 * feed says lines may have been missed: after a lost broker connection, or a numbered message that never came.
 *
 * Order: records from different producers and collectors do not arrive in time order, and a line sent can never
 * be followed by an older one (clients resume from the last id). So arrivals are held until the server's clock
 * passes their time by `reorderMs` and released sorted: a line delivered up to `reorderMs` after lines newer than
 * it still takes its place. A line later than that (a host whose clock runs behind, a producer holding lines back)
 * can no longer be sent in order: it is counted among the dropped lines (it is in the index). A line stamped in
 * the future waits for its time.
 *
 * Bounds: at most `maxLinesPerSec` live lines a second (a token bucket holding one second); beyond it lines are
 * sampled evenly and the rest counted as dropped. At most `bufferMax` held lines; beyond it the newest are
 * dropped (while back-filling they are fetched again from the index instead). A back-fill sends at most
 * `backfillMax` lines: the newest ones when more were missed, the rest counted as dropped. Drops are reported to
 * the client at most once a second. While the client does not read (`writable()` false), nothing is released and
 * the back-fill waits.
 */
import type { Cursor } from "@/lib/engine/sphinxql-dialect";
import type { LogRecord } from "@/lib/query/wire";
import type { LiveFeed, LiveSubscription } from "./live-hub";
import { comparePositions, positionOf } from "@/lib/query/cursor";
import { backoffDelay } from "@/lib/retry/backoff-delay";
import { sampleEvenly, TokenBucket } from "./token-bucket";

export type LiveItem = { index: string; record: LogRecord };

export type BackfillPage = {
  /** Matching records after the cursor, oldest first. */
  items: LiveItem[];
  /** The newest position the page looked at (the keyset cursor for the next page); null if it found none. */
  scanned: Cursor | null;
  /** Whether another page may follow. */
  more: boolean;
  /** How many records match after the cursor, when the source can tell. */
  total: number | null;
};

export type LiveSource = {
  after: (cursor: Cursor, limit: number) => Promise<BackfillPage>;
  /**
   * The newest `limit` matching records after `floor`, oldest first, and the position of the newest matching
   * record older than them (null when there is none). For a back-fill too long to send whole.
   */
  newest?: (floor: Cursor, limit: number) => Promise<{ items: LiveItem[]; before: Cursor | null }>;
};

export type LiveSink = {
  records: (items: LiveItem[], last: Cursor) => void;
  sampled: (dropped: number) => void;
  ready: () => void;
  /** False while the client is not keeping up with what was written. */
  writable: () => boolean;
};

export type LiveSessionOptions = {
  indexes: string[];
  start: Cursor;
  matches: (item: LiveItem) => boolean;
  /** Adds highlights to a live record (back-filled ones come with the engine's). */
  decorate?: (record: LogRecord) => LogRecord;
  reorderMs: number;
  maxLinesPerSec: number;
  backfillMax: number;
  bufferMax: number;
  /** How often held records are looked at. */
  tickMs?: number;
  pageSize?: number;
  /** Largest number of records in one `records` call. */
  chunk?: number;
  now?: () => number;
  log?: (line: string) => void;
};

type Held = LiveItem & { backfill: boolean };

const RECENT_KEPT = 20_000;
const DROP_REPORT_MS = 1000;
const BACKFILL_BACKOFF = { initialDelayMs: 500, maxDelayMs: 10_000 };

const keyOf = (it: LiveItem) => `${it.index}\u0000${it.record.id}`;

/** Position order, then index name for the same record in two indexes of a stitched stream. */
function compareItems(a: LiveItem, b: LiveItem): number {
  return comparePositions(a.record, b.record) || (a.index < b.index ? -1 : a.index > b.index ? 1 : 0);
}

export class LiveSession {
  private lastSent: Cursor;
  private readonly start: Cursor;
  private held: Held[] = [];
  private incoming: Held[] = [];
  private readonly heldKeys = new Set<string>();
  /** Keys of back-filled records sent lately: such a record arriving live is a repeat, not a late line. */
  private readonly recent = new Set<string>();
  /** While back-filling, nothing past this position is released. */
  private frontier: Cursor | null;
  private backfilling = false;
  /** `ready` waits until the first back-fill's records are all released. */
  private readyPending = false;
  private again = false;
  private overflowWhileBackfilling = false;
  private dropped = 0;
  private lastDropReport = 0;
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private retry: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  private subscription: LiveSubscription | null = null;
  private closed = false;
  private readonly log: (line: string) => void;

  constructor(
    private readonly feed: LiveFeed,
    private readonly source: LiveSource,
    private readonly sink: LiveSink,
    private readonly opts: LiveSessionOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.bucket = new TokenBucket(opts.maxLinesPerSec, this.now);
    this.start = opts.start;
    this.lastSent = opts.start;
    this.frontier = opts.start;
    this.log = opts.log ?? ((l) => console.error(`[live] ${l}`));
  }

  /**
   * Subscribes and reads the first back-fill page; the rest of the back-fill goes on after it resolves, and
   * `ready` follows once the back-filled records are out. Rejects (and closes) when the broker cannot be reached
   * or the first back-fill page fails, so the caller can still answer with an error status. Not the whole
   * back-fill: past the body's buffer it waits for the client to read, and the client cannot read a body the
   * caller has not returned yet.
   */
  async open(): Promise<void> {
    try {
      const sub = await this.feed.subscribe(this.opts.indexes, {
        onRecords: (index, records) => this.arrive(index, records),
        // Nothing past what was sent goes out until the back-fill after reconnecting has run: lines stored
        // meanwhile may be older than those still held.
        onDisconnect: () => (this.frontier ??= this.lastSent),
        onResubscribed: () => void this.catchUp(),
        onGap: () => void this.catchUp(),
      });
      if (this.closed) {
        // The client left while the queue was being bound.
        await sub.close();
        return;
      }
      this.subscription = sub;
      this.timer = setInterval(() => this.release(), this.opts.tickMs ?? 50);
      let firstPage!: () => void;
      const first = new Promise<void>((resolve) => (firstPage = resolve));
      const whole = this.backfill(firstPage);
      await Promise.race([first, whole]);
      void whole.then(
        () => {
          if (this.closed) return;
          this.readyPending = true;
          this.release();
          if (this.again) void this.catchUp();
        },
        (err: unknown) => {
          if (this.closed) return;
          this.log(`back-fill failed: ${(err as Error).message}; retrying`);
          void this.catchUp().then(() => {
            if (this.closed) return;
            this.readyPending = true;
            this.release();
          });
        },
      );
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Unsubscribes (the queue is deleted) and stops every timer. Repeat calls are harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.retry) {
      clearTimeout(this.retry.timer);
      this.retry.wake();
    }
    this.held = [];
    this.incoming = [];
    this.heldKeys.clear();
    const sub = this.subscription;
    this.subscription = null;
    await sub?.close();
  }

  private arrive(index: string, records: LogRecord[]): void {
    if (this.closed) return;
    const items: LiveItem[] = [];
    for (const record of records) {
      const item = { index, record };
      if (this.opts.matches(item))
        items.push(this.opts.decorate ? { index, record: this.opts.decorate(record) } : item);
    }
    this.hold(items, false);
  }

  private hold(items: LiveItem[], backfill: boolean): void {
    for (const it of items) {
      if (comparePositions(it.record, this.lastSent) <= 0) {
        // Older than what was sent: a repeat, or too late to keep the order.
        if (!backfill && comparePositions(it.record, this.start) > 0 && !this.recent.has(keyOf(it)))
          this.dropped++;
        continue;
      }
      const key = keyOf(it);
      if (this.heldKeys.has(key)) continue;
      this.heldKeys.add(key);
      this.incoming.push({ ...it, backfill });
    }
    if (this.heldKeys.size > this.opts.bufferMax) this.trim();
  }

  private merge(): void {
    if (this.incoming.length === 0) return;
    const next = this.incoming.sort(compareItems);
    this.incoming = [];
    if (this.held.length === 0 || compareItems(this.held[this.held.length - 1]!, next[0]!) < 0) {
      for (const h of next) this.held.push(h);
      return;
    }
    const out: Held[] = [];
    let i = 0;
    let j = 0;
    while (i < this.held.length && j < next.length)
      out.push(compareItems(this.held[i]!, next[j]!) <= 0 ? this.held[i++]! : next[j++]!);
    while (i < this.held.length) out.push(this.held[i++]!);
    while (j < next.length) out.push(next[j++]!);
    this.held = out;
  }

  /** Over the bound: the newest held records go (a far-future line is the first to go). */
  private trim(): void {
    this.merge();
    const excess = this.held.length - this.opts.bufferMax;
    if (excess <= 0) return;
    const gone = this.held.splice(this.held.length - excess);
    for (const h of gone) this.heldKeys.delete(keyOf(h));
    if (this.frontier) {
      // Back-filling: the index still has them. Back-filled ones are fetched again from the newest kept
      // position; live ones past the back-fill's reach by another round.
      const kept = this.held[this.held.length - 1]?.record ?? this.lastSent;
      if (comparePositions(kept, this.frontier) < 0) this.frontier = positionOf(kept);
      this.overflowWhileBackfilling = true;
    } else {
      this.dropped += excess;
    }
  }

  private release(): void {
    if (this.closed) return;
    this.merge();
    if (this.sink.writable() && this.held.length > 0) {
      const watermark = this.now() - this.opts.reorderMs;
      let n = 0;
      while (n < this.held.length) {
        const h = this.held[n]!;
        if (h.record.ts > watermark) break;
        if (this.frontier && comparePositions(h.record, this.frontier) > 0) break;
        n++;
      }
      if (n > 0) this.send(this.held.splice(0, n));
    }
    if (this.readyPending && !this.incoming.some((h) => h.backfill) && !this.held.some((h) => h.backfill)) {
      this.readyPending = false;
      this.sink.ready();
    }
    this.reportDrops();
  }

  private send(batch: Held[]): void {
    for (const h of batch) this.heldKeys.delete(keyOf(h));
    this.lastSent = batch[batch.length - 1]!.record;
    const live = batch.filter((h) => !h.backfill);
    let out: Held[] = batch;
    if (live.length > 0) {
      const allowed = this.bucket.take(live.length);
      if (allowed < live.length) {
        const kept = new Set(sampleEvenly(live, allowed));
        out = batch.filter((h) => h.backfill || kept.has(h));
        this.dropped += live.length - allowed;
      }
    }
    const chunk = this.opts.chunk ?? 1000;
    for (let i = 0; i < out.length; i += chunk) {
      const part = out.slice(i, i + chunk);
      const last = part[part.length - 1]!.record;
      this.sink.records(
        part.map(({ index, record }) => ({ index, record })),
        positionOf(last),
      );
    }
    // Only a back-filled record can arrive again live (the other way round, a back-fill skips it by position).
    for (const h of batch) {
      if (!h.backfill) continue;
      this.recent.add(keyOf(h));
      if (this.recent.size > RECENT_KEPT) this.recent.delete(this.recent.values().next().value!);
    }
  }

  private reportDrops(): void {
    if (this.dropped === 0) return;
    const t = this.now();
    if (t - this.lastDropReport < DROP_REPORT_MS) return;
    this.lastDropReport = t;
    const n = this.dropped;
    this.dropped = 0;
    this.sink.sampled(n);
  }

  /** Back-fills again (after a lost connection or a missed message); one at a time, repeated if asked meanwhile. */
  private async catchUp(): Promise<void> {
    if (this.closed) return;
    if (this.backfilling) {
      this.again = true;
      return;
    }
    for (let failures = 0; !this.closed;) {
      try {
        await this.backfill();
        if (!this.again) return;
      } catch (err) {
        if (this.closed) return;
        const delay = backoffDelay(failures++, BACKFILL_BACKOFF);
        this.log(`back-fill failed: ${(err as Error).message}; retrying in ${delay} ms`);
        await new Promise<void>((wake) => (this.retry = { timer: setTimeout(wake, delay), wake }));
        this.retry = null;
      }
    }
  }

  /**
   * Pages from the last released position to the index's head, then lets the held arrivals go. On failure
   * nothing past the back-fill's position is released (the caller retries): a stall, never a hole. The engine
   * being down stops the collector too, so no live lines pile up meanwhile.
   */
  private async backfill(firstPage?: () => void): Promise<void> {
    this.backfilling = true;
    this.again = false;
    const pageSize = this.opts.pageSize ?? 1000;
    const max = this.opts.backfillMax;
    let fed = 0;
    try {
      let rounds = 0;
      do {
        this.overflowWhileBackfilling = false;
        if (!this.frontier || comparePositions(this.frontier, this.lastSent) < 0)
          this.frontier = this.lastSent;
        let page = await this.source.after(this.frontier, pageSize);
        if (rounds === 0 && page.total !== null && page.total > max && this.source.newest) {
          // Too many to send: the newest `max`, the rest counted as dropped.
          const { items, before } = await this.source.newest(this.frontier, max);
          if (this.closed) return;
          if (before) this.skipTo(before, Math.max(0, page.total - items.length));
          this.hold(items, true);
          fed += items.length;
          const last = items[items.length - 1]?.record;
          if (last) this.frontier = positionOf(last);
          page = await this.source.after(this.frontier, pageSize);
        }
        for (;;) {
          if (this.closed) return;
          this.hold(page.items, true);
          firstPage?.();
          firstPage = undefined;
          fed += page.items.length;
          if (page.scanned && comparePositions(page.scanned, this.frontier) > 0) this.frontier = page.scanned;
          if (!page.more) break;
          if (fed >= max) {
            const rest = page.total !== null ? page.total - page.items.length : 0;
            this.log(`back-fill stopped after ${fed} lines; ${rest} more not sent`);
            this.dropped += Math.max(0, rest);
            break;
          }
          await this.roomFor(pageSize);
          page = await this.source.after(this.frontier, pageSize);
        }
        rounds++;
      } while (this.overflowWhileBackfilling && fed < max && !this.closed);
      this.frontier = null;
    } finally {
      this.backfilling = false;
    }
  }

  /** Records up to `before` will not be sent: the client is told how many. */
  private skipTo(before: Cursor, dropped: number): void {
    this.dropped += dropped;
    this.merge();
    const keep: Held[] = [];
    for (const h of this.held) {
      if (comparePositions(h.record, before) > 0) keep.push(h);
      else this.heldKeys.delete(keyOf(h));
    }
    this.held = keep;
    this.lastSent = before;
  }

  /** Waits while the client is behind, or back-filled records not yet sent would fill the buffer. */
  private async roomFor(n: number): Promise<void> {
    const waiting = () => this.held.reduce((k, h) => k + (h.backfill ? 1 : 0), 0) + this.incoming.length;
    while (!this.closed && (!this.sink.writable() || waiting() + n > this.opts.bufferMax / 2))
      await new Promise((r) => setTimeout(r, this.opts.tickMs ?? 50));
  }
}
