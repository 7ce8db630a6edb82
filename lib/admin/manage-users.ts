/**
 * Users from the admin API. There is always at least one admin: the last one can be neither deleted nor demoted
 * (checked with the admins' rows locked, so two admins demoting each other at once cannot both succeed), and no
 * one deletes themselves. Hashes never leave this module's callers: everything returned is a PublicUser.
 */
import "server-only";
import { asc, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { Db } from "@/db/client";
import { loggerIndexes, sessions, users, type User } from "@/db/schema";
import { AppError } from "@/lib/errors/app-error";
import { hashPassword } from "@/lib/auth/passwords";
import type { createUserSchema, updateUserSchema } from "@/lib/auth/schema";
import { createUser, publicUser, type PublicUser } from "@/lib/auth/users";
import { isUniqueViolation } from "./unique-violation";

type CreateUserInput = z.output<typeof createUserSchema>;
type UpdateUserInput = z.output<typeof updateUserSchema>;

export async function listUsers(db: Db): Promise<PublicUser[]> {
  return (await db.select().from(users).orderBy(asc(users.username))).map(publicUser);
}

/** An allow-list may only name indexes that exist: a typo would otherwise grant nothing, silently. */
async function assertIndexesExist(db: Db, names: string[] | null | undefined): Promise<void> {
  if (!names?.length) return;
  const found = new Set(
    (
      await db
        .select({ name: loggerIndexes.name })
        .from(loggerIndexes)
        .where(inArray(loggerIndexes.name, names))
    ).map((r) => r.name),
  );
  const missing = names.filter((n) => !found.has(n));
  if (missing.length)
    throw new AppError(
      "bad_request",
      `allowedIndexes: no index named ${missing.map((n) => JSON.stringify(n)).join(", ")}`,
    );
}

export async function addUser(db: Db, input: CreateUserInput): Promise<PublicUser> {
  await assertIndexesExist(db, input.allowedIndexes);
  try {
    return publicUser(await createUser(db, input));
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", `a user named ${JSON.stringify(input.username)} already exists`);
    throw err;
  }
}

function notFound(id: number): AppError {
  return new AppError("not_found", `no user with id ${id}`);
}

/**
 * Changes a user's role, allowed indexes or password. A new password signs the user out everywhere (unless they
 * changed their own, which would sign out the admin doing it).
 */
export async function updateUser(
  db: Db,
  actor: User,
  id: number,
  input: UpdateUserInput,
): Promise<PublicUser> {
  await assertIndexesExist(db, input.allowedIndexes);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin")).for("update");
    const [target] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!target) throw notFound(id);
    if (target.role === "admin" && input.role === "viewer" && admins.length <= 1)
      throw new AppError("conflict", "this is the last admin: make another user admin first");
    const changes: Partial<User> = {};
    if (input.role !== undefined) changes.role = input.role;
    if (input.allowedIndexes !== undefined) changes.allowedIndexes = input.allowedIndexes;
    if (passwordHash !== undefined) changes.passwordHash = passwordHash;
    if (Object.keys(changes).length === 0) return publicUser(target);
    const [row] = await tx.update(users).set(changes).where(eq(users.id, id)).returning();
    if (passwordHash !== undefined && id !== actor.id)
      await tx.delete(sessions).where(eq(sessions.userId, id));
    return publicUser(row!);
  });
}

/** Deletes a user (their sessions go with them; tokens they made stay, without a creator). */
export async function removeUser(db: Db, actor: User, id: number): Promise<void> {
  if (id === actor.id) throw new AppError("conflict", "you cannot delete yourself: ask another admin");
  await db.transaction(async (tx) => {
    const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, "admin")).for("update");
    const [target] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!target) throw notFound(id);
    if (target.role === "admin" && admins.filter((a) => a.id !== id).length === 0)
      throw new AppError("conflict", "this is the last admin and cannot be deleted");
    await tx.delete(users).where(eq(users.id, id));
  });
}
