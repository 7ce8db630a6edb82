/**
 * Failed sign-ins are limited in Redis (shared by every web replica), over a 15-minute window, three ways:
 * - per client address: after ADDRESS_MAX failures that address is refused (429) until the window passes, so one
 *   machine cannot guess its way through many accounts;
 * - per (address, username): after PAIR_MAX failures that pair is refused, so one machine cannot keep guessing one
 *   account;
 * - per username, from anywhere: never refused, only slowed. Each attempt waits longer as failures pile up
 *   (USER_FREE failures are free, then 0.25 s doubling to 8 s), so that guessing from many addresses is slow,
 *   while a stranger cannot lock the owner (or the last admin) out: the right password still works after the wait.
 * The client address is the one lib/auth/client-address.ts believes, never a header the client chose.
 */
import type { Redis } from "ioredis";

export const WINDOW_SECONDS = 15 * 60;
export const ADDRESS_MAX = 20;
export const PAIR_MAX = 5;
export const USER_FREE = 3;
export const USER_DELAY_MAX_MS = 8000;

function keys(prefix: string, ip: string, username: string) {
  const user = username.toLowerCase();
  return {
    address: `${prefix}login:ip:${ip}`,
    pair: `${prefix}login:ipuser:${ip}:${user}`,
    user: `${prefix}login:user:${user}`,
  };
}

/** How long an attempt on a username waits after `failures` recent failures for it, from any address. */
export function userDelayMs(failures: number): number {
  if (failures <= USER_FREE) return 0;
  return Math.min(USER_DELAY_MAX_MS, 250 * 2 ** (failures - USER_FREE - 1));
}

export type LoginGate = { refusedForSeconds: number; delayMs: number };

/** Whether an attempt may go ahead (refusedForSeconds 0), and how long it waits first. */
export async function loginGate(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<LoginGate> {
  const k = keys(prefix, ip, username);
  const [address, pair, user] = (await redis.mget(k.address, k.pair, k.user)).map(Number);
  const over: string[] = [];
  if (address! >= ADDRESS_MAX) over.push(k.address);
  if (pair! >= PAIR_MAX) over.push(k.pair);
  let refusedForSeconds = 0;
  for (const key of over) refusedForSeconds = Math.max(refusedForSeconds, 1, await redis.ttl(key));
  return { refusedForSeconds, delayMs: userDelayMs(user!) };
}

export async function recordLoginFailure(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<void> {
  const m = redis.multi();
  for (const key of Object.values(keys(prefix, ip, username))) m.incr(key).expire(key, WINDOW_SECONDS, "NX");
  await m.exec();
}

/**
 * A success forgives this address's failures for this username only: the address's own count stays, or an
 * attacker could reset it by signing in to an account of their own between guesses; the username's count stays,
 * so a guesser elsewhere stays slowed.
 */
export async function recordLoginSuccess(
  redis: Redis,
  prefix: string,
  ip: string,
  username: string,
): Promise<void> {
  await redis.del(keys(prefix, ip, username).pair);
}
