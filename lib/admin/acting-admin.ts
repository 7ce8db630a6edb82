import "server-only";
import type { User } from "@/db/schema";
import { AppError } from "@/lib/errors/app-error";
import type { Principal } from "@/lib/auth/authenticate";

/** The signed-in admin behind an admin route (the route's `auth: "admin"` already refused everyone else). */
export function actingAdmin(p: Principal | null): User {
  if (p?.kind !== "user" || p.user.role !== "admin") throw new AppError("forbidden", "this needs an admin");
  return p.user;
}
