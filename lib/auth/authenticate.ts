/**
 * Who is making a request: a signed-in user (session cookie) or a script (API token, as `Authorization: Bearer`
 * or as the password of HTTP Basic, which is all many log shippers can send). State-changing requests that ride
 * on the cookie must come from our own pages (Origin or Sec-Fetch-Site), which with SameSite=Lax cookies makes
 * forms and fetches CSRF-safe; bearer requests carry no ambient credential. A browser may keep Basic
 * credentials and send them by itself, so a Basic request a browser marks as cross-site is refused.
 */
import "server-only";
import type { Db } from "@/db/client";
import type { ApiToken, User } from "@/db/schema";
import { AppError } from "@/lib/errors/app-error";
import { findActiveToken } from "./api-tokens";
import { clientFacts } from "./client-address";
import { SESSION_COOKIE, sessionUser } from "./sessions";

export type Principal = { kind: "user"; user: User } | { kind: "token"; token: ApiToken };

/** What a route requires. */
export type Access = "public" | "read" | "ingest" | "admin";

export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/**
 * The API token an `Authorization` header carries: a Bearer token, or the password of Basic credentials
 * (`base64(user:token)`, the user name being anything). Null when the header is absent or names neither.
 */
export function tokenFromAuthorization(
  header: string | null,
): { token: string; via: "bearer" | "basic" } | null {
  const m = /^(Bearer|Basic)\s+(\S+)$/i.exec(header ?? "");
  if (!m) return null;
  if (m[1]!.toLowerCase() === "bearer") return { token: m[2]!, via: "bearer" };
  const decoded = Buffer.from(m[2]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const token = colon >= 0 ? decoded.slice(colon + 1) : "";
  return token ? { token, via: "basic" } : null;
}

export async function authenticate(
  db: Db,
  req: Request,
): Promise<{ principal: Principal; via: "cookie" | "bearer" | "basic" } | null> {
  const credentials = tokenFromAuthorization(req.headers.get("authorization"));
  if (credentials) {
    if (credentials.via === "basic") assertNotCrossSite(req);
    const record = await findActiveToken(db, credentials.token);
    return record ? { principal: { kind: "token", token: record }, via: credentials.via } : null;
  }
  const session = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  if (session) {
    const user = await sessionUser(db, session);
    if (user) return { principal: { kind: "user", user }, via: "cookie" };
  }
  return null;
}

/**
 * Refuses what a browser says comes from another site (Sec-Fetch-Site, or an Origin of another host); a shipper
 * sends neither header and passes.
 */
export function assertNotCrossSite(req: Request): void {
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  let foreign = site !== null && site !== "same-origin" && site !== "none";
  if (!foreign && origin && origin !== "null") {
    const host = clientFacts(req).host;
    try {
      foreign = new URL(origin).host !== host;
    } catch {
      foreign = true;
    }
  }
  if (foreign)
    throw new AppError(
      "forbidden",
      "cross-site request refused: Basic credentials are for shippers and scripts",
    );
}

/** A cookie-authenticated write must come from a page of this origin. */
export function assertSameOrigin(req: Request): void {
  const origin = req.headers.get("origin");
  const host = clientFacts(req).host;
  if (origin && host) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = null;
    }
    if (originHost === host) return;
  } else if (req.headers.get("sec-fetch-site") === "same-origin") {
    return;
  }
  throw new AppError(
    "forbidden",
    "cross-site request refused: send it from alco's own pages or with a bearer token",
  );
}

export function isAdmin(p: Principal): boolean {
  return p.kind === "user" && p.user.role === "admin";
}

/** Checks a principal against what a route requires; throws unauthorized or forbidden. */
export function authorize(p: Principal | null, access: Access): void {
  if (access === "public") return;
  if (!p)
    throw new AppError("unauthorized", "sign in, or send an API token as `Authorization: Bearer <token>`");
  if (access === "admin" && !isAdmin(p)) throw new AppError("forbidden", "this needs an admin");
  if (access === "read" && p.kind === "token" && p.token.scope !== "read")
    throw new AppError("forbidden", `this token's scope is ${p.token.scope}, not read`);
  if (access === "ingest" && (p.kind !== "token" || p.token.scope !== "ingest"))
    throw new AppError("forbidden", "this needs an API token with the ingest scope");
}

/** Viewers may be limited to some indexes; admins and read tokens see all. */
export function canReadIndex(p: Principal, index: string): boolean {
  if (p.kind === "token") return p.token.scope === "read";
  return p.user.role === "admin" || p.user.allowedIndexes === null || p.user.allowedIndexes.includes(index);
}
