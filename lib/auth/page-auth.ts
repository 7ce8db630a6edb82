/** Sign-in checks for server pages: anonymous visitors go to /login and come back where they were. */
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
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
