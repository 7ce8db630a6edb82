/** What the admin pages send to the admin API and get back: its paths and its answers' JSON types. */
import type { AdminIndex } from "./index-stats";
import type { AdminColumn } from "./manage-indexes";
import type { DeadLetter } from "./dead-letters";
import type { LoggerIndex } from "@/db/schema";
import type { PublicApiToken } from "@/lib/auth/api-tokens";
import type { PublicUser } from "@/lib/auth/users";

/** A type as it arrives in JSON: dates are ISO strings. */
export type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

export type { AdminIndex, DeadLetter };
export type WireColumn = Wire<AdminColumn>;
export type WireUser = Wire<PublicUser>;
export type WireToken = Wire<PublicApiToken>;
export type WireIndex = Wire<LoggerIndex>;

export const adminPaths = {
  indexes: "/api/admin/indexes",
  index: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}`,
  columns: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}/columns`,
  deadLetters: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}/dead-letters`,
  users: "/api/admin/users",
  user: (id: number) => `/api/admin/users/${id}`,
  tokens: "/api/admin/tokens",
  token: (id: number) => `/api/admin/tokens/${id}`,
  alerts: "/api/admin/alerts",
  alert: (id: number) => `/api/admin/alerts/${id}`,
};

/** "a, b ,c" → ["a", "b", "c"]; empty → undefined. */
export function splitList(text: string): string[] | undefined {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
