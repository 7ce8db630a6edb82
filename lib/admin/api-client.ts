/** The admin pages' calls to the admin API. Every failure becomes an ApiFailure carrying the API's own message. */
import { ApiFailure } from "@/lib/reader/api-client";
import type { AdminIndex } from "./index-stats";
import type { AdminColumn } from "./manage-indexes";
import type { DeadLetter } from "./dead-letters";
import type { LoggerIndex } from "@/db/schema";
import type { PublicApiToken } from "@/lib/auth/api-tokens";
import type { PublicUser } from "@/lib/auth/users";

export { ApiFailure };

/** A type as it arrives in JSON: dates are ISO strings. */
export type Wire<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

export type { AdminIndex, DeadLetter };
export type WireColumn = Wire<AdminColumn>;
export type WireUser = Wire<PublicUser>;
export type WireToken = Wire<PublicApiToken>;
export type WireIndex = Wire<LoggerIndex>;

export async function adminApi<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: {
      accept: "application/json",
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok)
    throw new ApiFailure(
      res.status,
      body?.error?.code ?? "error",
      body?.error?.message ?? `request failed with ${res.status}`,
    );
  return body as T;
}

export const adminPaths = {
  indexes: "/api/admin/indexes",
  index: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}`,
  columns: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}/columns`,
  deadLetters: (name: string) => `/api/admin/indexes/${encodeURIComponent(name)}/dead-letters`,
  users: "/api/admin/users",
  user: (id: number) => `/api/admin/users/${id}`,
  tokens: "/api/admin/tokens",
  token: (id: number) => `/api/admin/tokens/${id}`,
};

/** "a, b ,c" → ["a", "b", "c"]; empty → undefined. */
export function splitList(text: string): string[] | undefined {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}
