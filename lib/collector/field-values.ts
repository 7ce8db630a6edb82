/**
 * Distinct values of filtered columns, for the reader's facets: one sorted set per column, value -> last seen (ms),
 * capped to the most recently seen values. Aggregated per batch on the client first, one ZADD per column: one
 * command per field per record caps at ~9k records/s, per batch reached ~83k/s (DESIGN.md).
 */
import type { Redis } from "ioredis";

const MAX_VALUE_LENGTH = 256;

export function valuesKey(prefix: string, index: string, column: string): string {
  return `${prefix}values:${index}:${column}`;
}

export class FieldValuesBatch {
  private readonly columns = new Map<string, Map<string, number>>();

  add(column: string, value: unknown, ts: number): void {
    let v: string;
    if (typeof value === "string") v = value;
    else if (typeof value === "number" || typeof value === "boolean") v = String(value);
    else return;
    if (v === "" || v.length > MAX_VALUE_LENGTH) return;
    let m = this.columns.get(column);
    if (!m) this.columns.set(column, (m = new Map<string, number>()));
    const prev = m.get(v);
    if (prev === undefined || ts > prev) m.set(v, ts);
  }

  get size(): number {
    return this.columns.size;
  }

  async save(redis: Redis, prefix: string, index: string, cap: number): Promise<void> {
    if (this.columns.size === 0) return;
    const p = redis.multi();
    for (const [column, values] of this.columns) {
      const key = valuesKey(prefix, index, column);
      const args: (string | number)[] = [];
      for (const [v, ts] of values) args.push(ts, v);
      p.zadd(key, "GT", ...args);
      p.zremrangebyrank(key, 0, -(cap + 1));
    }
    const results = await p.exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }
}

/** Values of one column, most recently seen first. */
export async function readFieldValues(
  redis: Redis,
  prefix: string,
  index: string,
  column: string,
  limit = 100,
) {
  const flat = await redis.zrevrange(valuesKey(prefix, index, column), 0, limit - 1, "WITHSCORES");
  const out: { value: string; lastSeen: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ value: flat[i]!, lastSeen: Number(flat[i + 1]) });
  return out;
}
