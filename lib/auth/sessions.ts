import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { sessions, users, type User } from "@/db/schema";
import { staleCache } from "@/lib/cache/stale-cache";
import { newToken, tokenHash } from "./secret-tokens";

export const SESSION_COOKIE = "alco_session";
export const SESSION_TTL_MS = 7 * 86_400_000;

export async function createSession(db: Db, userId: number): Promise<string> {
  const token = newToken("session");
  await db
    .insert(sessions)
    .values({ tokenHash: tokenHash(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) });
  // Expired sessions are cleared as new ones are made, so the table never grows without bound.
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  return token;
}

/**
 * The session's user, if the session exists and has not expired. While PostgreSQL is unreachable, a session it
 * confirmed recently still signs its user in until the session's own expiry (lib/cache/stale-cache.ts).
 */
export async function sessionUser(db: Db, token: string): Promise<User | null> {
  const hash = tokenHash(token);
  return staleCache<User>("session", db).read(hash, async () => {
    const [row] = await db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, new Date())));
    return row ? { value: row.user, expiresAt: row.expiresAt.getTime() } : null;
  });
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  const hash = tokenHash(token);
  // First, so that signing out during an outage ends the session here even though the delete cannot be stored.
  staleCache<User>("session", db).forget(hash);
  await db.delete(sessions).where(eq(sessions.tokenHash, hash));
}

/** `Set-Cookie` value: HTTP-only, SameSite=Lax (a permalink opened from chat still carries it), Secure on https. */
export function sessionCookie(token: string, secure: boolean, maxAgeMs = SESSION_TTL_MS): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
