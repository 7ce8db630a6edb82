import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "@/db/client";
import { sessions, users, type User } from "@/db/schema";
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

export async function sessionUser(db: Db, token: string): Promise<User | null> {
  const [row] = await db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash(token)), gt(sessions.expiresAt, new Date())));
  return row?.user ?? null;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash(token)));
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
