import "server-only";
import type { User } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import type { Principal } from "@/lib/auth/authenticate";

/** The signed-in admin behind an admin route (the route's `auth: "admin"` already refused everyone else). */
export function actingAdmin(p: Principal | null): User {
  if (p?.kind !== "user" || p.user.role !== "admin") throw new ApiError("forbidden", "this needs an admin");
  return p.user;
}
