/**
 * Access: every route handler under app/ refuses anonymous callers unless it is on the public list (the pages are
 * checked against the running app in e2e/ui/security.spec.ts), viewers are kept to their indexes and out of admin,
 * tokens stop working the moment they are revoked, sign-in is rate-limited, every cookie-authenticated write from
 * another site is refused and changes nothing, and passwords are never stored in clear.
 */
import amqp from "amqplib";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as grep } from "@/app/api/grep/[logger]/route";
import { POST as login } from "@/app/api/auth/login/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/auth/me/route";
import { POST as saveSearch } from "@/app/api/saved-searches/route";
import { deadLetterExchange, deadLetterQueue } from "@/lib/amqp/topology";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { createSavedSearch } from "@/lib/saved-searches/saved-searches";
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

const APP_DIR = path.resolve(import.meta.dirname, "../app");
/** Routes anyone may call. Adding to this list is a decision: say why next to the entry. */
const PUBLIC_ROUTES = new Set([
  // Signing in is how a caller gets credentials.
  "POST /api/auth/login",
]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** Every route handler file under app/, not only the API's: /stream is one too. */
async function routeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await routeFiles(p)));
    else if (e.name === "route.ts") out.push(p);
  }
  return out;
}

/** `/api/grep/[logger]` for app/api/grep/[logger]/route.ts; route groups such as `(reader)` are not in URLs. */
function routePath(file: string): string {
  const segments = path.relative(APP_DIR, path.dirname(file)).split(path.sep);
  return "/" + segments.filter((s) => !/^\(.*\)$/.test(s)).join("/");
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** google.rpc.Status codes the OTLP front end answers with, by the API's name for them. */
const RPC_CODES: Record<number, string> = { 16: "unauthorized", 7: "forbidden" };

const STATUS_CODES: Record<number, string> = { 401: "unauthorized", 403: "forbidden" };

/**
 * A refusal's code and message: the API's `{ "error" }`, or, from the front ends that speak another protocol,
 * OTLP's google.rpc.Status (JSON, as these requests are), Elasticsearch's `{ error: { type, reason } }` and Loki's
 * plain text, named by the status.
 */
async function errorOf(res: Response): Promise<{ code?: string; message?: string }> {
  const text = await res.text();
  if (!(res.headers.get("content-type") ?? "").startsWith("application/json"))
    return { code: STATUS_CODES[res.status], message: text.trim() };
  const body = JSON.parse(text) as {
    error?: { code?: string; message?: string; type?: string; reason?: string };
    code?: number;
    message?: string;
  };
  if (body.error?.type) return { code: STATUS_CODES[res.status], message: body.error.reason };
  return body.error ?? { code: RPC_CODES[body.code ?? -1], message: body.message };
}
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

  it("refuses anonymous callers on every route not on the public list", async () => {
    const files = await routeFiles(APP_DIR);
    expect(files.length).toBeGreaterThan(8);
    const checked: string[] = [];
    for (const file of files) {
      const route = routePath(file);
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
        expect.soft((await errorOf(res)).code, name).toBe("unauthorized");
        checked.push(name);
      }
    }
    expect(checked.length).toBeGreaterThan(10);
    expect(checked).toContain("GET /stream");
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
    // The same answer as for a name that does not exist: a viewer cannot tell which names are taken.
    const ghost = uniqueName("ghost");
    const missing = await grep(await apiRequest(`/api/grep/${ghost}`, { as }), params({ logger: ghost }));
    expect([refused.status, missing.status]).toEqual([404, 404]);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: "not_found", message: `no logger index named "${hidden.name}"` } });
    expect(await missing.json()).toEqual({
      error: { code: "not_found", message: `no logger index named "${ghost}"` },
    });
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

describe("cookie-authenticated writes from another site", () => {
  let index: LoggerIndex;
  let admin: Awaited<ReturnType<typeof createTestUser>>;
  let victim: Awaited<ReturnType<typeof createTestUser>>;
  let token: Awaited<ReturnType<typeof createTestToken>>;
  let savedId: number;
  beforeAll(async () => {
    index = await createTestIndex();
    admin = await createTestUser("admin");
    victim = await createTestUser("viewer");
    token = await createTestToken("read");
    savedId = (await createSavedSearch(db(), {
      indexName: index.name,
      name: "kept",
      url: `/grep/${index.name}`,
    }))!.id;
    // A dead letter, which a forged "drop" would purge.
    const conn = await amqp.connect(process.env.AMQP_URL!);
    try {
      const ch = await conn.createConfirmChannel();
      ch.publish(deadLetterExchange(process.env.AMQP_EXCHANGE!), index.queueName, Buffer.from("{}"));
      await ch.waitForConfirms();
    } finally {
      await conn.close();
    }
  });
  afterAll(async () => {
    await dropTestIndex(index);
  });

  /** What the forged writes would change: PostgreSQL's tables and the index's dead-letter queue. */
  async function snapshot(): Promise<string> {
    const { rows } = await db().$client.query<{ snap: string }>(`
      SELECT json_build_object(
        'indexes', (SELECT json_agg(i ORDER BY i.name) FROM
          (SELECT name, title, retention_days, routing_keys FROM logger_indexes) i),
        'columns', (SELECT json_agg(c ORDER BY c.index_name, c.name) FROM
          (SELECT index_name, name, filtered, display, excluded, context, indexed FROM logger_columns) c),
        'users', (SELECT json_agg(u ORDER BY u.id) FROM
          (SELECT id, username, role, allowed_indexes, password_hash FROM users) u),
        'tokens', (SELECT json_agg(t ORDER BY t.id) FROM (SELECT id, name, scope, revoked_at FROM api_tokens) t),
        'saved', (SELECT json_agg(s ORDER BY s.id) FROM (SELECT id, index_name, name, url FROM saved_searches) s),
        'sessions', (SELECT count(*) FROM sessions)
      )::text AS snap`);
    const conn = await amqp.connect(process.env.AMQP_URL!);
    try {
      const dead = (await (await conn.createChannel()).checkQueue(deadLetterQueue(index.queueName)))
        .messageCount;
      return `${rows[0]!.snap} dead letters: ${dead}`;
    } finally {
      await conn.close();
    }
  }

  /** Requests a browser would send from another site's page: each Origin it may carry, or none at all. */
  const FOREIGN: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { origin: "http://alco.test.evil.example" },
    { origin: "http://alco.test:8080" },
    { origin: "null" },
    { "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
    {},
  ];

  /** Bodies a real attack would send: valid, so that only the origin check stands between them and the change. */
  const bodies = (): Record<string, unknown> => ({
    "POST /api/admin/indexes": { name: uniqueName("csrf") },
    "PATCH /api/admin/indexes/[name]": { title: "taken over", retentionDays: 1 },
    "PATCH /api/admin/indexes/[name]/columns": { columns: [{ name: "host", excluded: true }] },
    "POST /api/admin/indexes/[name]/dead-letters": { action: "drop" },
    "POST /api/admin/tokens": { name: "csrf", scope: "read" },
    "POST /api/admin/users": { username: uniqueName("csrf"), password: "csrf-password-123", role: "admin" },
    "PATCH /api/admin/users/[id]": { role: "admin", allowedIndexes: null },
    "POST /api/saved-searches": { indexName: index.name, name: "csrf", url: `/grep/${index.name}` },
    "PATCH /api/saved-searches/[id]": { name: "csrf" },
    "POST /api/ingest/[logger]": undefined,
    "POST /api/auth/login": { username: admin.username, password: admin.password },
  });

  it("refuses every POST, PUT, PATCH and DELETE riding on an admin's session cookie, and nothing changes", async () => {
    const before = await snapshot();
    const ids: Record<string, string> = {
      "/api/admin/users/[id]": String(victim.user.id),
      "/api/admin/tokens/[id]": String(token.record.id),
      "/api/saved-searches/[id]": String(savedId),
    };
    const checked: string[] = [];
    for (const file of await routeFiles(APP_DIR)) {
      const route = routePath(file);
      const mod = (await import(file)) as Partial<Record<(typeof METHODS)[number], Handler>>;
      for (const method of METHODS) {
        const handler = mod[method];
        if (!handler || method === "GET") continue;
        const name = `${method} ${route}`;
        const url = new URL(
          route.replace(/\[(logger|name)\]/, index.name).replace("[id]", ids[route] ?? "1"),
          "http://alco.test",
        );
        if (route === "/api/admin/indexes/[name]") url.searchParams.set("confirm", index.name);
        const body = name in bodies() ? bodies()[name] : {};
        for (const foreign of FOREIGN) {
          // Signing in refuses another site's Origin (login CSRF); a script without one may sign in.
          if (route === "/api/auth/login" && !foreign.origin) continue;
          const headers = new Headers({ cookie: admin.cookie, host: "alco.test", ...foreign });
          if (body !== undefined) headers.set("content-type", "application/json");
          const res = await handler(
            new Request(url, { method, headers, body: body === undefined ? "{}" : JSON.stringify(body) }),
            params({ logger: index.name, name: index.name, id: ids[route] ?? "1" }),
          );
          const what = `${name} with ${JSON.stringify(foreign)}`;
          expect.soft(res.status, what).toBe(403);
          const error = await errorOf(res);
          expect.soft(error?.code, what).toBe("forbidden");
          // Ingest takes no cookie at all; everything else names the reason.
          expect.soft(error?.message, what).toMatch(/cross-site request refused|needs an API token/);
        }
        checked.push(name);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        "POST /api/admin/indexes",
        "PATCH /api/admin/indexes/[name]",
        "DELETE /api/admin/indexes/[name]",
        "PATCH /api/admin/indexes/[name]/columns",
        "POST /api/admin/indexes/[name]/dead-letters",
        "POST /api/admin/tokens",
        "DELETE /api/admin/tokens/[id]",
        "POST /api/admin/users",
        "PATCH /api/admin/users/[id]",
        "DELETE /api/admin/users/[id]",
        "POST /api/auth/logout",
        "POST /api/saved-searches",
        "PATCH /api/saved-searches/[id]",
        "DELETE /api/saved-searches/[id]",
      ]),
    );
    expect(await snapshot()).toBe(before);
    // The admin is still signed in: even the forged sign-out did nothing.
    expect(
      (await me(await apiRequest("/api/auth/me", { as: { cookie: admin.cookie } }), params({}))).status,
    ).toBe(200);
  });

  it("accepts the same write from alco's own pages", async () => {
    const { PATCH } = await import("@/app/api/admin/indexes/[name]/route");
    const patch = (headers: Record<string, string>) =>
      PATCH(
        new Request(`http://alco.test/api/admin/indexes/${index.name}`, {
          method: "PATCH",
          headers: {
            cookie: admin.cookie,
            host: "alco.test",
            "content-type": "application/json",
            ...headers,
          },
          body: JSON.stringify({ title: "renamed here" }),
        }),
        params({ name: index.name }),
      );
    expect((await patch({ origin: "http://alco.test" })).status).toBe(200);
    expect((await patch({ "sec-fetch-site": "same-origin" })).status).toBe(200);
  });
});

// Handlers called directly have no TCP peer, so every call here is the one "unknown" address: the rules that
// depend on the address (and on forwarding headers) are proven over real connections in e2e/api/sign-in.spec.ts.
describe("sign-in", () => {
  const post = (body: unknown) =>
    login(
      new Request("http://alco.test/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
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
    const wrong = await post({ username: u.username, password: "not-the-password" });
    const unknown = await post({ username: uniqueName("ghost"), password: "whatever-it-is" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    for (let i = 0; i < 4; i++) await post({ username: u.username, password: "still-wrong" });
    const limited = await post({ username: u.username, password: u.password });
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
