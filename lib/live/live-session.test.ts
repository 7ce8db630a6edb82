import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Cursor } from "@/lib/engine/sphinxql-dialect";
import type { LogRecord } from "@/lib/query/wire";
import type { LiveFeed, LiveListener } from "./live-hub";
import { LiveSession, type LiveItem, type LiveSessionOptions, type LiveSource } from "./live-session";
import { comparePositions, cursorOf, positionOf } from "@/lib/query/cursor";

const T0 = 1_800_000_000_000;

function rec(ts: number, id: number, message = `line ${id}`): LogRecord {
  return {
    id: String(id),
    ts,
    seq: "0",
    time: new Date(ts).toISOString(),
    message,
    level: "info",
    logger: "app",
    host: "h",
    fields: {},
    highlights: [],
  };
}

/** An index (what the engine has stored) and a feed (what the live exchange delivers), kept by the test. */
class World {
  stored: LogRecord[] = [];
  /** The next this many back-fill pages fail, as when searchd is restarting. */
  failing = 0;
  listeners = new Set<LiveListener>();
  closed = 0;

  feed: LiveFeed = {
    subscribe: (_indexes, listener) => {
      this.listeners.add(listener);
      return Promise.resolve({
        close: () => {
          this.listeners.delete(listener);
          this.closed++;
          return Promise.resolve();
        },
      });
    },
  };

  source: LiveSource = {
    after: (cursor, limit) => {
      if (this.failing > 0) {
        this.failing--;
        return Promise.reject(new Error("engine unavailable"));
      }
      const all = this.stored.filter((r) => comparePositions(r, cursor) > 0).sort(comparePositions);
      const items = all.slice(0, limit).map((record) => ({ index: "i", record }));
      const last = items[items.length - 1]?.record;
      return Promise.resolve({
        items,
        scanned: last ? positionOf(last) : null,
        more: all.length > limit,
        total: all.length,
      });
    },
    newest: (floor, limit) => {
      const all = this.stored.filter((r) => comparePositions(r, floor) > 0).sort(comparePositions);
      const keep = all.slice(-limit);
      const before = all[all.length - limit - 1];
      return Promise.resolve({
        items: keep.map((record) => ({ index: "i", record })),
        before: before ? positionOf(before) : null,
      });
    },
  };

  /** Stores records, then publishes them live (the collector's order). */
  store(records: LogRecord[], publish = true) {
    this.stored.push(...records);
    if (publish) for (const l of this.listeners) l.onRecords("i", records);
  }
}

type Out = { records: LogRecord[]; ids: string[]; sampled: number[]; ready: number };

function open(world: World, opts: Partial<LiveSessionOptions> = {}, writable = () => true) {
  const out: Out = { records: [], ids: [], sampled: [], ready: 0 };
  const session = new LiveSession(
    world.feed,
    world.source,
    {
      records: (items: LiveItem[], last: Cursor) => {
        out.records.push(...items.map((i) => i.record));
        out.ids.push(cursorOf(last));
      },
      sampled: (n) => out.sampled.push(n),
      ready: () => out.ready++,
      writable,
    },
    {
      indexes: ["i"],
      start: { ts: T0, seq: "0", id: "0" },
      matches: () => true,
      reorderMs: 300,
      maxLinesPerSec: 1000,
      backfillMax: 10_000,
      bufferMax: 20_000,
      tickMs: 50,
      pageSize: 100,
      ...opts,
    },
  );
  return { session, out };
}

const ids = (rs: LogRecord[]) => rs.map((r) => Number(r.id));
const inOrder = (rs: LogRecord[]) => rs.every((r, i) => i === 0 || comparePositions(rs[i - 1]!, r) < 0);

describe("live session", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0 + 60_000);
  });
  afterEach(() => vi.useRealTimers());

  it("back-fills from the start position, then sends live lines once each, in order, after ready", async () => {
    const world = new World();
    world.store(
      Array.from({ length: 250 }, (_, i) => rec(T0 + i, i + 1)),
      false,
    );
    const { session, out } = open(world);
    const opening = session.open();
    // Published while the back-fill runs: some overlap what it reads.
    world.store([rec(T0 + 249, 250), rec(T0 + 300, 1001)]);
    await opening;
    // The rest of the back-fill goes on after open() resolves: ready follows it.
    await vi.advanceTimersByTimeAsync(0);
    expect(out.ready).toBe(1);
    world.store([rec(T0 + 301, 1002), rec(T0 + 302, 1003)]);
    await vi.advanceTimersByTimeAsync(500);
    expect(ids(out.records)).toEqual([...Array.from({ length: 250 }, (_, i) => i + 1), 1001, 1002, 1003]);
    expect(inOrder(out.records)).toBe(true);
    expect(out.ids[out.ids.length - 1]).toBe(`${T0 + 302}_0_1003`);
    await session.close();
    expect(world.closed).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sorts lines that arrive out of order within the reorder window, and counts later ones as dropped", async () => {
    const world = new World();
    const { session, out } = open(world);
    await session.open();
    const now = Date.now();
    world.store([rec(now + 100, 3)]);
    world.store([rec(now + 50, 2)]);
    await vi.advanceTimersByTimeAsync(450);
    expect(ids(out.records)).toEqual([2, 3]);
    // Older than a line already sent, and past the window: it cannot be sent in order.
    world.store([rec(now + 60, 4)]);
    await vi.advanceTimersByTimeAsync(1100);
    expect(ids(out.records)).toEqual([2, 3]);
    expect(out.sampled).toEqual([1]);
    await session.close();
  });

  it("samples live lines evenly over the rate limit and says how many it dropped", async () => {
    const world = new World();
    const { session, out } = open(world, { maxLinesPerSec: 100 });
    await session.open();
    const now = Date.now();
    // One burst of 400 lines of the same millisecond: one second's worth goes, spread over the burst.
    world.store(Array.from({ length: 400 }, (_, i) => rec(now, i + 1)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(out.records)).toEqual(Array.from({ length: 100 }, (_, i) => 4 * (i + 1)));
    expect(out.sampled.reduce((a, b) => a + b, 0)).toBe(300);
    await session.close();
  });

  it("back-fills what was published while the broker connection was down, older lines held included", async () => {
    const world = new World();
    const { session, out } = open(world);
    await session.open();
    const now = Date.now();
    world.store([rec(now, 1), rec(now + 15, 5)]);
    for (const l of world.listeners) l.onDisconnect();
    // Stored while disconnected, older than a line still held: it must still come first.
    await vi.advanceTimersByTimeAsync(1000);
    world.store([rec(now + 10, 2), rec(now + 20, 3)], false);
    for (const l of world.listeners) l.onResubscribed();
    world.store([rec(now + 30, 4)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(out.records)).toEqual([1, 2, 5, 3, 4]);
    expect(out.sampled).toEqual([]);
    await session.close();
  });

  it("stalls rather than skips when a catch-up back-fill fails, and goes on when the index answers", async () => {
    const world = new World();
    const { session, out } = open(world, { log: () => undefined });
    await session.open();
    const now = Date.now();
    for (const l of world.listeners) l.onDisconnect();
    world.store([rec(now, 1)], false);
    world.failing = 2;
    for (const l of world.listeners) l.onResubscribed();
    world.store([rec(now + 10, 2)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.records).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ids(out.records)).toEqual([1, 2]);
    await session.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends the newest lines of a back-fill too long to send whole, and the count of the rest", async () => {
    const world = new World();
    world.store(
      Array.from({ length: 500 }, (_, i) => rec(T0 + i, i + 1)),
      false,
    );
    const { session, out } = open(world, { backfillMax: 120 });
    await session.open();
    await vi.advanceTimersByTimeAsync(1100);
    expect(ids(out.records)).toEqual(Array.from({ length: 120 }, (_, i) => 381 + i));
    expect(out.sampled).toEqual([380]);
    await session.close();
  });

  it("holds lines while the client is not reading, within the buffer bound", async () => {
    const world = new World();
    let reading = false;
    const { session, out } = open(world, { bufferMax: 100 }, () => reading);
    await session.open();
    const now = Date.now();
    world.store(Array.from({ length: 150 }, (_, i) => rec(now + i, i + 1)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(out.records).toHaveLength(0);
    reading = true;
    await vi.advanceTimersByTimeAsync(1100);
    expect(ids(out.records)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(out.sampled).toEqual([50]);
    await session.close();
  });
});
