/** Sign-in checks for server pages: anonymous visitors go to /login and come back where they were. */
import "server-only";
import { sql } from "drizzle-orm";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { isDatabaseUnavailable } from "@/db/client";
import type { User } from "@/db/schema";
import { db } from "@/lib/services";
import { SESSION_COOKIE, sessionUser } from "./sessions";

export async function currentUser(): Promise<User | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? sessionUser(db(), token) : null;
}

export async function requireUser(next: string): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(next)}`);
  return user;
}

/**
 * Whether PostgreSQL answers right now. Pages that are all about what it holds (admin) check first and say it
 * is down, instead of failing piece by piece or with the generic error page.
 */
export async function databaseReachable(): Promise<boolean> {
  try {
    await db().execute(sql`select 1`);
    return true;
  } catch (err) {
    if (isDatabaseUnavailable(err)) return false;
    throw err;
  }
}
