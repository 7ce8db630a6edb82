import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, type ApiToken } from "@/db/schema";
import { staleCache } from "@/lib/cache/stale-cache";
import { newToken, tokenHash } from "./secret-tokens";

export type PublicApiToken = Omit<ApiToken, "tokenHash">;

function publicToken(t: ApiToken): PublicApiToken {
  const { tokenHash: _hidden, ...rest } = t;
  return rest;
}

/** Creates a token; the only time its value is known is in this return value. */
export async function createApiToken(
  db: Db,
  input: { name: string; scope: "read" | "ingest"; createdBy: number | null },
) {
  const token = newToken("api");
  const [row] = await db
    .insert(apiTokens)
    .values({
      name: input.name,
      scope: input.scope,
      createdBy: input.createdBy,
      tokenHash: tokenHash(token),
      prefix: token.slice(0, 10),
    })
    .returning();
  return { token, record: publicToken(row!) };
}

/**
 * The token's record if it exists and is not revoked. Revocation takes effect on the next request. While
 * PostgreSQL is unreachable, a token it confirmed recently is still accepted (lib/cache/stale-cache.ts).
 */
export async function findActiveToken(db: Db, token: string): Promise<ApiToken | null> {
  const hash = tokenHash(token);
  return staleCache<ApiToken>("api token", db).read(hash, async () => {
    const [row] = await db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt)));
    if (!row) return null;
    // Last use to the minute is enough, and spares a write per request. It is bookkeeping: a write that fails
    // (PostgreSQL going away between the two statements) must not refuse a token that was just found valid.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await db
        .update(apiTokens)
        .set({ lastUsedAt: new Date() })
        .where(eq(apiTokens.id, row.id))
        .catch((err: Error) => console.error(`api token last use not recorded: ${err.message}`));
    }
    return { value: row };
  });
}

export async function listApiTokens(db: Db): Promise<PublicApiToken[]> {
  return (await db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt))).map(publicToken);
}

export async function revokeApiToken(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return rows.length > 0;
}
