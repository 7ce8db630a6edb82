/** The guard of the /admin pages: anonymous visitors sign in first, signed-in non-admins get a 403 page. */
import "server-only";
import { forbidden, redirect } from "next/navigation";
import type { User } from "@/db/schema";
import { currentUser } from "@/lib/auth/page-auth";

export async function requireAdminPage(next: string): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(next)}`);
  if (user.role !== "admin") forbidden();
  return user;
}
