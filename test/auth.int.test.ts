/**
 * Access: every API route refuses anonymous callers unless it is on the public list, viewers are kept to their
 * indexes and out of admin, tokens stop working the moment they are revoked, sign-in is rate-limited, cookie
 * writes from other sites are refused, and passwords are never stored in clear.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as grep } from "@/app/api/grep/[logger]/route";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/auth/me/route";
import { POST as saveSearch } from "@/app/api/saved-searches/route";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import type { LoggerIndex } from "@/db/schema";
import {
  apiRequest,
  createTestIndex,
  createTestToken,
  createTestUser,
  db,
  dropTestIndex,
  uniqueName,
} from "./helpers";

const API_DIR = path.resolve(import.meta.dirname, "../app/api");
/** Routes anyone may call. Adding to this list is a decision: say why next to the entry. */
const PUBLIC_ROUTES = new Set([
  // Signing in is how a caller gets credentials.
  "POST /api/auth/login",
]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

async function routeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await routeFiles(p)));
    else if (e.name === "route.ts") out.push(p);
  }
  return out;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });

describe("access control", () => {
  let open: LoggerIndex;
  let hidden: LoggerIndex;
  beforeAll(async () => {
    open = await createTestIndex();
    hidden = await createTestIndex();
  });
  afterAll(async () => {
    await dropTestIndex(open);
    await dropTestIndex(hidden);
  });

  it("refuses anonymous callers on every API route not on the public list", async () => {
    const files = await routeFiles(API_DIR);
    expect(files.length).toBeGreaterThan(8);
    const checked: string[] = [];
    for (const file of files) {
      const route = "/api/" + path.relative(API_DIR, path.dirname(file)).split(path.sep).join("/");
      const mod = (await import(file)) as Partial<Record<(typeof METHODS)[number], Handler>>;
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler) continue;
        const name = `${method} ${route}`;
        if (PUBLIC_ROUTES.has(name)) continue;
        // Path segments like [logger] or [id] get a value that exists, so only the missing credentials can fail.
        const segs = { logger: open.name, name: open.name, id: "1" };
        const res = await handler(
          await apiRequest(route, {
            method,
            as: "anonymous",
            body: method === "GET" || method === "DELETE" ? undefined : {},
          }),
          params(segs),
        );
        expect.soft(res.status, name).toBe(401);
        const body = (await res.json()) as { error?: { code: string } };
        expect.soft(body.error?.code, name).toBe("unauthorized");
        checked.push(name);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
  });

  it("keeps a viewer to the indexes they were given", async () => {
    const viewer = await createTestUser("viewer", [open.name]);
    const as = { cookie: viewer.cookie };
    expect(
      (await grep(await apiRequest(`/api/grep/${open.name}`, { as }), params({ logger: open.name }))).status,
    ).toBe(200);
    const refused = await grep(
      await apiRequest(`/api/grep/${hidden.name}`, { as }),
      params({ logger: hidden.name }),
    );
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(hidden.name);
  });

  it("stops a revoked token on its very next request", async () => {
    const { token, record } = await createTestToken("read");
    const call = async () =>
      (
        await grep(
          await apiRequest(`/api/grep/${open.name}`, { as: { bearer: token } }),
          params({ logger: open.name }),
        )
      ).status;
    expect(await call()).toBe(200);
    await revokeApiToken(db(), record.id);
    expect(await call()).toBe(401);
  });

  it("does not let an ingest token read", async () => {
    const { token } = await createTestToken("ingest");
    const res = await grep(
      await apiRequest(`/api/grep/${open.name}`, { as: { bearer: token } }),
      params({ logger: open.name }),
    );
    expect(res.status).toBe(403);
  });

  it("refuses a cookie-authenticated write from another site, and accepts it from our own pages", async () => {
    const viewer = await createTestUser("viewer");
    const body = { indexName: open.name, name: "mine", url: `/grep/${open.name}?q=x` };
    const foreign = new Request("http://alco.test/api/saved-searches", {
      method: "POST",
      headers: {
        cookie: viewer.cookie,
        origin: "https://evil.example",
        host: "alco.test",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    expect((await saveSearch(foreign, params({}))).status).toBe(403);
    const noOrigin = new Request("http://alco.test/api/saved-searches", {
      method: "POST",
      headers: { cookie: viewer.cookie, host: "alco.test", "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect((await saveSearch(noOrigin, params({}))).status).toBe(403);
    expect(
      (
        await saveSearch(
          await apiRequest("/api/saved-searches", { method: "POST", body, as: { cookie: viewer.cookie } }),
          params({}),
        )
      ).status,
    ).toBe(201);
  });
});

describe("sign-in", () => {
  const post = (body: unknown, ip = "203.0.113.7") =>
    login(
      new Request("http://alco.test/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": ip },
        body: JSON.stringify(body),
      }),
      params({}),
    );

  it("sets an HTTP-only SameSite session cookie that signs the user in until they sign out", async () => {
    const u = await createTestUser("viewer");
    const res = await post({ username: u.username, password: u.password });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^alco_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    const session = cookie.split(";")[0]!;
    const who = await me(await apiRequest("/api/auth/me", { as: { cookie: session } }), params({}));
    expect(((await who.json()) as { user: { username: string } }).user.username).toBe(u.username);
    expect(
      (
        await logout(
          await apiRequest("/api/auth/logout", { method: "POST", as: { cookie: session } }),
          params({}),
        )
      ).status,
    ).toBe(204);
    expect((await me(await apiRequest("/api/auth/me", { as: { cookie: session } }), params({}))).status).toBe(
      401,
    );
  });

  it("answers a wrong password and an unknown user alike, and limits failed attempts", async () => {
    const u = await createTestUser("viewer");
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const wrong = await post({ username: u.username, password: "not-the-password" }, ip);
    const unknown = await post({ username: uniqueName("ghost"), password: "whatever-it-is" }, `${ip}1`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    for (let i = 0; i < 4; i++) await post({ username: u.username, password: "still-wrong" }, ip);
    const limited = await post({ username: u.username, password: u.password }, ip);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain(
      "too many failed sign-ins",
    );
  });

  it("stores passwords only as scrypt hashes", async () => {
    const u = await createTestUser("admin");
    const { rows } = await db().$client.query<{ row: string }>(
      "SELECT row_to_json(u)::text AS row FROM users u WHERE username = $1",
      [u.username],
    );
    expect(rows[0]!.row).not.toContain(u.password);
    expect(rows[0]!.row).toMatch(/"password_hash":"scrypt\$32768\$8\$1\$/);
  });
});
