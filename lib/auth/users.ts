import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, type User } from "@/db/schema";
import { hashPassword } from "./passwords";

export type PublicUser = Omit<User, "passwordHash">;

export function publicUser(u: User): PublicUser {
  const { passwordHash: _hidden, ...rest } = u;
  return rest;
}

export async function createUser(
  db: Db,
  input: { username: string; password: string; role: "admin" | "viewer"; allowedIndexes?: string[] | null },
): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      allowedIndexes: input.allowedIndexes ?? null,
    })
    .returning();
  return row!;
}

export async function findUserByName(db: Db, username: string): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  return (await db.select({ id: users.id }).from(users)).length;
}

/** Creates the first admin when there is no user yet; returns whether it did. Never a default password. */
export async function createFirstAdmin(db: Db, username: string, password: string): Promise<boolean> {
  if ((await countUsers(db)) > 0) return false;
  await createUser(db, { username, password, role: "admin" });
  return true;
}
