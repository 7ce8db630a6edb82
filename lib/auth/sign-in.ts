import "server-only";
import type { Redis } from "ioredis";
import type { Db } from "@/db/client";
import { AppError } from "@/lib/errors/app-error";
import { loginGate, recordLoginFailure, recordLoginSuccess } from "./login-limiter";
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
  const gate = await loginGate(deps.redis, deps.redisPrefix, ip, username);
  if (gate.refusedForSeconds > 0)
    throw new AppError(
      "rate_limited",
      `too many failed sign-ins from this address; try again in ${Math.ceil(gate.refusedForSeconds / 60)} min`,
    );
  // Slowed, not refused: the owner signing in from elsewhere still gets in; every guess waits.
  if (gate.delayMs > 0) await new Promise((r) => setTimeout(r, gate.delayMs));
  const user = await findUserByName(deps.db, username);
  // A missing user costs a hash check too, so timing does not tell which usernames exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok) {
    await recordLoginFailure(deps.redis, deps.redisPrefix, ip, username);
    throw new AppError("unauthorized", "wrong username or password");
  }
  await recordLoginSuccess(deps.redis, deps.redisPrefix, ip, username);
  return { token: await createSession(deps.db, user.id), user: publicUser(user) };
}
