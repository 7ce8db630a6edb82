import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "@/db/client";
import { ApiError } from "@/lib/api/errors";
import { clearLoginFailures, loginBlockedFor, recordLoginFailure } from "./login-limiter";
import { dummyHash, verifyPassword } from "./passwords";
import { createSession } from "./sessions";
import { findUserByName, publicUser } from "./users";

/** Checks a username and password within the rate limit; returns a new session token and the user. */
export async function signIn(
  deps: { db: Db; redis: Redis; redisPrefix: string },
  ip: string,
  username: string,
  password: string,
) {
  const wait = await loginBlockedFor(deps.redis, deps.redisPrefix, ip, username);
  if (wait > 0)
    throw new ApiError("rate_limited", `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min`);
  const user = await findUserByName(deps.db, username);
  // A missing user costs a hash check too, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await recordLoginFailure(deps.redis, deps.redisPrefix, ip, username);
    throw new ApiError("unauthorized", "wrong username or password");
  }
  await clearLoginFailures(deps.redis, deps.redisPrefix, ip, username);
  return { token: await createSession(deps.db, user.id), user: publicUser(user) };
}

export function clientAddress(req: Request): string {
  return req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || req.headers.get("x-real-ip") || "local";
}

export function isHttps(req: Request): boolean {
  return req.headers.get("x-forwarded-proto") === "https" || new URL(req.url).protocol === "https:";
}
