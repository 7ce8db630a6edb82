/**
 * Login attempts are limited per client address and per username, in Redis so every web replica shares the
 * count: after 5 failures within 15 minutes, further attempts are refused until the window passes.
 */
import type { Redis } from "ioredis";

export const MAX_FAILURES = 5;
export const WINDOW_SECONDS = 15 * 60;

function keys(prefix: string, ip: string, username: string): string[] {
  return [`${prefix}login:ip:${ip}`, `${prefix}login:user:${username.toLowerCase()}`];
}

/** Seconds to wait, or 0 when an attempt is allowed. */
export async function loginBlockedFor(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<number> {
  for (const key of keys(prefix, ip, username)) {
    const n = Number(await redis.get(key));
    if (n >= MAX_FAILURES) return Math.max(1, await redis.ttl(key));
  }
  return 0;
}

export async function recordLoginFailure(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<void> {
  const m = redis.multi();
  for (const key of keys(prefix, ip, username)) m.incr(key).expire(key, WINDOW_SECONDS, "NX");
  await m.exec();
}

export async function clearLoginFailures(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<void> {
  await redis.del(...keys(prefix, ip, username));
}
