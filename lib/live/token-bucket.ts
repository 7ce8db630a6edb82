/** A rate limit: `ratePerSec` tokens a second, at most one second's worth saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = ratePerSec;
    this.last = now();
  }

  /** Takes up to `n` tokens; returns how many were available. */
  take(n: number): number {
    const t = this.now();
    this.tokens = Math.min(this.ratePerSec, this.tokens + ((t - this.last) * this.ratePerSec) / 1000);
    this.last = t;
    const got = Math.min(n, Math.floor(this.tokens));
    this.tokens -= got;
    return got;
  }
}

/** Keeps `keep` of `items`, spread evenly over them, in order. */
export function sampleEvenly<T>(items: T[], keep: number): T[] {
  if (keep >= items.length) return items;
  if (keep <= 0) return [];
  const out: T[] = [];
  for (let i = 0; i < items.length; i++)
    if (Math.floor(((i + 1) * keep) / items.length) > Math.floor((i * keep) / items.length))
      out.push(items[i]!);
  return out;
}
