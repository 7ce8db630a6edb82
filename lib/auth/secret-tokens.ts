/**
 * Session and API tokens: 32 random bytes, shown once, stored only as SHA-256. A fast hash is right here (unlike
 * passwords): the tokens have 256 bits of entropy, so there is nothing to brute-force.
 */
import { createHash, randomBytes } from "node:crypto";

export function newToken(kind: "session" | "api"): string {
  return `${kind === "api" ? "alco_" : ""}${randomBytes(32).toString("base64url")}`;
}

export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
