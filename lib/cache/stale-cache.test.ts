import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import net from "node:net";
import { closeDb, getDb, isDatabaseUnavailable } from "@/db/client";
import { StaleCache, type Answer } from "./stale-cache";

class Unreachable extends Error {}

function setup(opts: { maxAgeMs?: number; maxEntries?: number } = {}) {
  const clock = { now: 1_000_000 };
  const stale: { key: string; ageMs: number }[] = [];
  const cache = new StaleCache<string>({
    maxAgeMs: opts.maxAgeMs ?? 60_000,
    maxEntries: opts.maxEntries ?? 100,
    now: () => clock.now,
    isUnavailable: (err) => err instanceof Unreachable,
    onStale: (key, ageMs) => stale.push({ key, ageMs }),
  });
  const answers = (a: Answer<string>) => () => Promise.resolve(a);
  const down = () => Promise.reject(new Unreachable("connect ECONNREFUSED"));
  return { cache, clock, stale, answers, down };
}

describe("StaleCache", () => {
  it("answers from the source whenever the source answers", async () => {
    const { cache, answers, stale } = setup();
    expect(await cache.read("k", answers({ value: "a" }))).toBe("a");
    expect(await cache.read("k", answers({ value: "b" }))).toBe("b");
    expect(stale).toEqual([]);
  });

  it("serves the last answer, with its age, while the source is unreachable", async () => {
    const { cache, clock, answers, down, stale } = setup();
    await cache.read("k", answers({ value: "a" }));
    clock.now += 5_000;
    expect(await cache.read("k", down)).toBe("a");
    expect(stale).toEqual([{ key: "k", ageMs: 5_000 }]);
  });

  it("fails like the source for a key it never confirmed", async () => {
    const { cache, down } = setup();
    await expect(cache.read("never-seen", down)).rejects.toBeInstanceOf(Unreachable);
    expect(cache.size).toBe(0);
  });

  it("forgets a key the source says no to: a revoked token is refused even if the source goes away next", async () => {
    const { cache, answers, down } = setup();
    await cache.read("token", answers({ value: "alice" }));
    expect(await cache.read("token", answers(null))).toBeNull();
    await expect(cache.read("token", down)).rejects.toBeInstanceOf(Unreachable);
  });

  it("serves an answer at most maxAgeMs after the source last confirmed it", async () => {
    const { cache, clock, answers, down } = setup({ maxAgeMs: 60_000 });
    await cache.read("k", answers({ value: "a" }));
    clock.now += 30_000;
    await cache.read("k", answers({ value: "a" })); // confirmed again: the age counts from here
    clock.now += 60_000;
    expect(await cache.read("k", down)).toBe("a");
    clock.now += 1;
    await expect(cache.read("k", down)).rejects.toBeInstanceOf(Unreachable);
    expect(cache.size).toBe(0);
  });

  it("never serves an answer past its own expiry: a session ends at its expiry time during an outage too", async () => {
    const { cache, clock, answers, down } = setup({ maxAgeMs: 60_000 });
    await cache.read("session", answers({ value: "bob", expiresAt: clock.now + 10_000 }));
    clock.now += 9_999;
    expect(await cache.read("session", down)).toBe("bob");
    clock.now += 1;
    await expect(cache.read("session", down)).rejects.toBeInstanceOf(Unreachable);
  });

  it("passes other errors through and keeps what it had", async () => {
    const { cache, answers, down } = setup();
    await cache.read("k", answers({ value: "a" }));
    await expect(cache.read("k", () => Promise.reject(new Error("syntax error")))).rejects.toThrow("syntax");
    expect(await cache.read("k", down)).toBe("a");
  });

  it("holds at most maxEntries keys, forgetting the least recently confirmed", async () => {
    const { cache, answers, down } = setup({ maxEntries: 2 });
    await cache.read("a", answers({ value: "A" }));
    await cache.read("b", answers({ value: "B" }));
    await cache.read("a", answers({ value: "A" }));
    await cache.read("c", answers({ value: "C" }));
    expect(cache.size).toBe(2);
    expect(await cache.read("a", down)).toBe("A");
    expect(await cache.read("c", down)).toBe("C");
    await expect(cache.read("b", down)).rejects.toBeInstanceOf(Unreachable);
  });

  it("forget() drops a key: a sign-out during an outage ends the session here", async () => {
    const { cache, answers, down } = setup();
    await cache.read("session", answers({ value: "bob" }));
    cache.forget("session");
    await expect(cache.read("session", down)).rejects.toBeInstanceOf(Unreachable);
  });
});

describe("isDatabaseUnavailable", () => {
  const pgError = (code: string) => Object.assign(new Error("pg"), { code, severity: "FATAL" });

  it("recognises node-postgres' broken connections, through drizzle's wrapper", () => {
    const wrapped = Object.assign(new Error("Failed query: select 1"), {
      cause: new Error("Connection terminated unexpectedly"),
    });
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated due to connection timeout"))).toBe(true);
  });

  it("recognises a server shutting down or refusing connections by SQLSTATE", () => {
    expect(isDatabaseUnavailable(pgError("57P01"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("57P03"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("08006"))).toBe(true);
    expect(isDatabaseUnavailable(pgError("53300"))).toBe(true);
  });

  it("recognises a refused connection to PostgreSQL, through drizzle, as the pool marks it", async () => {
    // A port that was just free on loopback: connecting to it is refused at once.
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const url = `postgres://nobody@127.0.0.1:${port}/nothing`;
    try {
      const err = await getDb(url)
        .execute(sql`select 1`)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await closeDb(url);
    }
  });

  it("does not take a refused query, or a socket error it cannot place, for an outage", () => {
    expect(isDatabaseUnavailable(pgError("23505"))).toBe(false);
    expect(isDatabaseUnavailable(pgError("42P01"))).toBe(false);
    // searchd's refused connection: not marked as PostgreSQL's, so the API still blames the engine.
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
