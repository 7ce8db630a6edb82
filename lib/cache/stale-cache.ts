/**
 * The last answers PostgreSQL gave for the lookups every request makes (who a session or API token belongs to,
 * an index's row and columns), kept to answer with while PostgreSQL is unreachable, so that the reader keeps
 * serving the people and indexes it served just before. Never used while PostgreSQL answers: each lookup asks
 * it first, so a revoked token, a deleted session or index takes effect on the next request as before.
 *
 * The rules, and why they are safe enough:
 * - Only a lookup that failed because PostgreSQL is unreachable falls back (isDatabaseUnavailable); any other
 *   error is thrown as it is, and an answer of "none" forgets the key at once.
 * - Only what PostgreSQL said yes to is kept: a credential or index never seen before the outage gets the
 *   outage's 503, so probing with made-up tokens or names neither fills the cache nor gets anything.
 * - An answer is served at most `maxAgeMs` after PostgreSQL last confirmed it. That bounds the one thing the
 *   cache can get wrong: a revocation made in the moments before the outage (by another web process) is ignored
 *   for at most that long. A revocation made during the outage cannot be recorded anyway.
 * - An answer with its own expiry (a session's) is never served past it.
 * - At most `maxEntries` keys; beyond that the least recently confirmed is forgotten.
 */
import { isDatabaseUnavailable, type Db } from "@/db/client";

/** How long after PostgreSQL last confirmed it an answer may still be served during an outage. */
export const STALE_MAX_AGE_MS = 15 * 60_000;
/** Keys kept per cache: sessions and tokens of one web process, or its indexes, fit many times over. */
export const STALE_MAX_ENTRIES = 10_000;

/** A lookup's answer: the value, and when it stops being true on its own (epoch ms), if it does. */
export type Answer<V> = { value: V; expiresAt?: number } | null;

export type StaleCacheOptions = {
  maxAgeMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Which failures mean "the source is unreachable", the only ones answered from the cache. */
  isUnavailable?: (err: unknown) => boolean;
  /** Told each time a kept answer is served instead of a fresh one. */
  onStale?: (key: string, ageMs: number) => void;
};

type Entry<V> = { value: V; confirmedAt: number; expiresAt: number | undefined };

export class StaleCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly isUnavailable: (err: unknown) => boolean;
  private readonly onStale: (key: string, ageMs: number) => void;

  constructor(opts: StaleCacheOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? STALE_MAX_AGE_MS;
    this.maxEntries = opts.maxEntries ?? STALE_MAX_ENTRIES;
    this.now = opts.now ?? Date.now;
    this.isUnavailable = opts.isUnavailable ?? isDatabaseUnavailable;
    this.onStale = opts.onStale ?? (() => undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  /** `lookup`'s answer; while its source is unreachable, the last one it gave for `key` within the bounds. */
  async read(key: string, lookup: () => Promise<Answer<V>>): Promise<V | null> {
    let answer: Answer<V>;
    try {
      answer = await lookup();
    } catch (err) {
      if (!this.isUnavailable(err)) throw err;
      const kept = this.entries.get(key);
      if (!kept) throw err;
      const now = this.now();
      const age = now - kept.confirmedAt;
      if (age > this.maxAgeMs || (kept.expiresAt !== undefined && now >= kept.expiresAt)) {
        this.entries.delete(key);
        throw err;
      }
      this.onStale(key, age);
      return kept.value;
    }
    this.entries.delete(key);
    if (answer === null) return null;
    this.entries.set(key, { value: answer.value, confirmedAt: this.now(), expiresAt: answer.expiresAt });
    // Map order is insertion order, and a confirmed key was just re-inserted: the first is the stalest.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return answer.value;
  }

  /** Drops a key's answer (a session ended here), so it is not served during an outage. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}

const CACHES = Symbol.for("alco.staleCaches");

/**
 * The process's cache for one kind of lookup on one database. Kept on globalThis: route handlers may be bundled
 * separately (each with its own pool object for the same URL), and an answer one route confirmed must serve the
 * others during an outage.
 */
export function staleCache<V>(kind: string, db: Db): StaleCache<V> {
  const g = globalThis as { [CACHES]?: Map<string, StaleCache<unknown>> };
  const all = (g[CACHES] ??= new Map<string, StaleCache<unknown>>());
  const key = `${kind}\u0000${db.$client.options.connectionString ?? ""}`;
  let cache = all.get(key);
  if (!cache) {
    cache = new StaleCache({ onStale: (_key, age) => logStale(kind, age) });
    all.set(key, cache);
  }
  return cache as StaleCache<V>;
}

const lastLogged = new Map<string, number>();

/** At most one line a minute per kind: an outage serves every request this way. */
function logStale(kind: string, ageMs: number): void {
  const now = Date.now();
  if (now - (lastLogged.get(kind) ?? 0) < 60_000) return;
  lastLogged.set(kind, now);
  console.error(
    `postgres unreachable: answering ${kind} lookups with the last answers it gave (this one ${Math.round(ageMs / 1000)} s old)`,
  );
}
