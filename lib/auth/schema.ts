import { z } from "zod";
import { indexNameSchema } from "@/lib/indexes/schema";

export const ROLES = ["admin", "viewer"] as const;
export const TOKEN_SCOPES = ["read", "ingest"] as const;

export const usernameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{2,64}$/, "username: 2 to 64 letters, digits or . _ @ -");

export const passwordSchema = z.string().min(10, "password: at least 10 characters").max(1024);

export const loginSchema = z.object({ username: z.string().max(64), password: z.string().max(1024) });

export const createUserSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  role: z.enum(ROLES).default("viewer"),
  /** Omitted or null: every index. */
  allowedIndexes: z.array(indexNameSchema).nullable().optional(),
});

export const updateUserSchema = z.object({
  password: passwordSchema.optional(),
  role: z.enum(ROLES).optional(),
  allowedIndexes: z.array(indexNameSchema).nullable().optional(),
});

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "name: required").max(100),
  scope: z.enum(TOKEN_SCOPES),
});
