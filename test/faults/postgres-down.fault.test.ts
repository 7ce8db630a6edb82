/**
 * PostgreSQL down under a running alco: the web app (`next start` of the production build) and the collector
 * reach PostgreSQL through a TCP proxy (test/tcp-proxy.ts) that the test takes down, dropping their
 * connections and refusing new ones; the shared server keeps running for everyone else, the test's own set-up
 * included.
 *
 * What must hold meanwhile: people and tokens the web app served just before keep searching the indexes they
 * searched (their answers come from a bounded in-process cache, lib/cache/stale-cache.ts), the collector keeps
 * indexing the indexes it knows, and everything that needs the metadata answers fast with the API's one error
 * shape (503 `database_unavailable`) or, for the admin page, a page that says so.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { sessions } from "@/db/schema";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { createSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import { tokenHash } from "@/lib/auth/secret-tokens";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type ErrorBody,
} from "@/test/helpers";
import { startTcpProxy, targetOf, type TcpProxy } from "@/test/tcp-proxy";
import { getJson, openLiveTail, pause, range, type Answer, type Auth } from "./reader-client";
import { ensureWebBuild, startWeb, type Web } from "../web-process";

/** How long an answer may take while PostgreSQL is down: fast, not the kernel's TCP timeout. */
const FAST_MS = 5_000;
/** A session made to expire a few seconds into the outage. */
const SHORT_SESSION_MS = 8_000;

type Grep = Answer<GrepResult & ErrorBody>;
type Err = Answer<ErrorBody>;

const seen = {
  before: {} as Record<string, Answer<unknown>>,
  during: {} as Record<string, Answer<unknown>>,
  after: {} as Record<string, Answer<unknown>>,
  /** Records the collector indexed while PostgreSQL was down, and how long it took. */
  indexedDuring: { expected: 0, found: 0, ms: 0 },
  liveShownDuring: false,
  shortSession: { beforeExpiry: 0, afterExpiry: 0 },
  /** After the proxy came back: how long until the admin API answered 200 again. */
  adminBackMs: null as number | null,
  webLog: [] as string[],
};

const teardown: (() => Promise<unknown>)[] = [];
const undo = (fn: () => Promise<unknown>) => teardown.unshift(fn);

const record = (n: number) => ({
  level: "info",
  message: `pg outage line ${n}`,
  timestamp: new Date().toISOString(),
  n,
});

describe("PostgreSQL down (proxy down while the reader and the collector run)", () => {
  beforeAll(() => ensureWebBuild(), 15 * 60_000);

  beforeAll(async () => {
    const proxy: TcpProxy = await startTcpProxy(targetOf(process.env.DATABASE_URL!, 5432));
    undo(() => proxy.close());
    const viaProxy = proxy.url(process.env.DATABASE_URL!);

    const known: LoggerIndex = await createTestIndex();
    undo(() => dropTestIndex(known));
    const unseen: LoggerIndex = await createTestIndex();
    undo(() => dropTestIndex(unseen));
    const routingKey = `logstash.${known.name}`;

    const collectorLog: string[] = [];
    const collector = new Collector(collectorEnv({ DATABASE_URL: viaProxy }), {
      log: (l) => collectorLog.push(l),
    });
    await collector.start();
    undo(() => collector.stop());
    const web: Web = await startWeb({ DATABASE_URL: viaProxy });
    undo(() => web.stop());

    const token: Auth = { bearer: (await createTestToken("read")).token };
    const neverUsed: Auth = { bearer: (await createTestToken("read")).token };
    const revoked = await createTestToken("read");
    const viewer: Auth = { cookie: (await createTestUser("viewer")).cookie };
    const admin = await createTestUser("admin");
    const adminAuth: Auth = { cookie: admin.cookie };
    const shortSession = await createSession(db(), admin.user.id);
    const shortAuth: Auth = { cookie: `${SESSION_COOKIE}=${shortSession}` };

    await publish(range(0, 100).map((n) => ({ routingKey, body: record(n) })));
    await waitFor("100 records indexed", async () => (await engineCount(known.name)) === 100, 60_000);

    const grep = (auth: Auth, index = known.name) =>
      getJson<GrepResult>(web.baseUrl, `/api/grep/${index}`, auth);
    const b = seen.before;
    b.token = await grep(token);
    b.viewer = await grep(viewer);
    b.revoked = await grep({ bearer: revoked.token });
    b.readerPage = await getJson(web.baseUrl, `/grep/${known.name}`, viewer);
    b.adminApi = await getJson(web.baseUrl, "/api/admin/indexes", adminAuth);
    b.adminPage = await getJson(web.baseUrl, "/admin", adminAuth);
    // Revoked after it was used: the next lookup says no, so no outage may bring it back.
    await revokeApiToken(db(), revoked.record.id);
    b.revokedAfter = await grep({ bearer: revoked.token });
    const shortExpiresAt = Date.now() + SHORT_SESSION_MS;
    await db()
      .update(sessions)
      .set({ expiresAt: new Date(shortExpiresAt) })
      .where(eq(sessions.tokenHash, tokenHash(shortSession)));
    b.shortSession = await grep(shortAuth);

    await proxy.down();
    const downAt = Date.now();
    const d = seen.during;
    d.shortSession = await grep(shortAuth);
    seen.shortSession.beforeExpiry = shortExpiresAt - Date.now();
    d.token = await grep(token);
    d.viewer = await grep(viewer);
    d.neverUsedToken = await grep(neverUsed);
    d.unseenIndex = await grep(token, unseen.name);
    d.revoked = await grep({ bearer: revoked.token });
    d.anonymous = await getJson(web.baseUrl, `/api/grep/${known.name}`, "anonymous");
    d.readerPage = await getJson(web.baseUrl, `/grep/${known.name}`, viewer);
    d.adminApi = await getJson(web.baseUrl, "/api/admin/indexes", adminAuth);
    d.adminWrite = await getJson(web.baseUrl, "/api/admin/tokens", adminAuth, {
      method: "POST",
      body: { name: "during the outage", scope: "read" },
    });
    d.adminPage = await getJson(web.baseUrl, "/admin", adminAuth);

    // The collector keeps indexing the index it knows; the reader finds what it indexed.
    const startedIndexing = Date.now();
    await publish(range(100, 200).map((n) => ({ routingKey, body: record(n) })));
    seen.indexedDuring.expected = 100;
    await waitFor(
      "records indexed during the outage",
      async () => (await engineCount(known.name)) === 200,
      60_000,
    )
      .then(() => (seen.indexedDuring.ms = Date.now() - startedIndexing))
      .catch(() => undefined);
    seen.indexedDuring.found = (await engineCount(known.name)) - 100;
    d.tokenAfterIndexing = await grep(token);

    const tail = await openLiveTail(web.baseUrl, token, known.name);
    await publish([{ routingKey, body: record(1000) }]);
    await waitFor("the live tail showing a line", () =>
      Promise.resolve(tail.shown.some((s) => s.record.fields.n === 1000)),
    )
      .then(() => (seen.liveShownDuring = true))
      .catch(() => undefined);
    tail.close();

    await pause(shortExpiresAt + 500 - Date.now());
    seen.shortSession.afterExpiry = Date.now() - shortExpiresAt;
    d.shortSessionExpired = await grep(shortAuth);
    const outageMs = Date.now() - downAt;

    await proxy.up();
    const upAt = Date.now();
    await waitFor(
      "the admin API answering again",
      async () => (await getJson(web.baseUrl, "/api/admin/indexes", adminAuth)).status === 200,
      30_000,
    )
      .then(() => (seen.adminBackMs = Date.now() - upAt))
      .catch(() => undefined);
    seen.after.adminApi = await getJson(web.baseUrl, "/api/admin/indexes", adminAuth);
    seen.after.neverUsedToken = await grep(neverUsed);
    seen.webLog = web.lines.map((l) => l.text);

    const row = (k: string, a: Answer<unknown>) =>
      `  ${k.padEnd(20)} ${a.status} in ${String(a.ms).padStart(4)} ms${
        a.status >= 400
          ? ` ${JSON.stringify((a.body as ErrorBody | null)?.error ?? a.text.slice(0, 80))}`
          : ""
      }`;
    console.log(
      [
        `[postgres-down] proxy down ${outageMs} ms; answers during the outage:`,
        ...Object.entries(d).map(([k, a]) => row(k, a)),
        `  collector indexed ${seen.indexedDuring.found} of ${seen.indexedDuring.expected} records during the outage in ${seen.indexedDuring.ms} ms; ${collectorLog.filter((l) => /index refresh failed/.test(l)).length} failed index refreshes logged`,
        `  live tail opened during the outage showed a new line: ${seen.liveShownDuring}`,
        `  admin API back ${seen.adminBackMs} ms after PostgreSQL came back`,
      ].join("\n"),
    );
  }, 5 * 60_000);

  afterAll(async () => {
    for (const step of teardown) await step().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  }, 120_000);

  it("works normally before the outage", () => {
    const b = seen.before;
    for (const k of ["token", "viewer", "revoked", "readerPage", "adminApi", "adminPage", "shortSession"])
      expect(b[k]!.status, k).toBe(200);
    expect((b.token as Grep).body!.total).toBe(100);
    expect(b.revokedAfter!.status).toBe(401);
  });

  it("keeps serving /api/grep to a token and a signed-in user it served before, with what is indexed meanwhile", () => {
    const d = seen.during;
    for (const k of ["token", "viewer", "tokenAfterIndexing"]) {
      expect(d[k]!.status, `${k}: ${d[k]!.text.slice(0, 200)}`).toBe(200);
      expect(d[k]!.ms, k).toBeLessThan(FAST_MS);
    }
    expect((d.token as Grep).body!.total).toBeGreaterThanOrEqual(100);
    expect((d.tokenAfterIndexing as Grep).body!.total).toBe(200);
    expect(d.readerPage!.status).toBe(200);
    expect(seen.liveShownDuring).toBe(true);
  });

  it("keeps indexing the indexes the collector knows", () => {
    expect(seen.indexedDuring.found).toBe(seen.indexedDuring.expected);
  });

  it("answers what it cannot check with a fast 503 database_unavailable, never with a guess", () => {
    const d = seen.during;
    for (const k of ["neverUsedToken", "unseenIndex", "revoked", "shortSessionExpired"]) {
      expect(d[k]!.status, `${k}: ${d[k]!.text.slice(0, 200)}`).toBe(503);
      expect((d[k] as Err).body?.error?.code, k).toBe("database_unavailable");
      expect(d[k]!.ms, k).toBeLessThan(FAST_MS);
    }
    // No credential needs no database: still the plain 401.
    expect(d.anonymous!.status).toBe(401);
    // The short session was served while it lasted, and not past its expiry.
    expect(seen.shortSession.beforeExpiry).toBeGreaterThan(0);
    expect(d.shortSession!.status).toBe(200);
    expect(seen.shortSession.afterExpiry).toBeGreaterThan(0);
  });

  it("the admin API answers 503 with the API's error shape, saying the metadata database is unavailable", () => {
    const d = seen.during;
    for (const k of ["adminApi", "adminWrite"]) {
      const a = d[k] as Err;
      expect(a.status, `${k}: ${a.text.slice(0, 200)}`).toBe(503);
      expect(a.body).toEqual({
        error: { code: "database_unavailable", message: expect.any(String) as string },
      });
      expect(a.body!.error!.message).toMatch(/metadata database \(PostgreSQL\) is unavailable/);
      expect(a.ms, k).toBeLessThan(FAST_MS);
    }
  });

  it("the /admin page says the metadata database is unavailable, fast, without a stack trace", () => {
    const page = seen.during.adminPage!;
    expect(page.ms).toBeLessThan(FAST_MS);
    expect(page.text).toContain('data-testid="database-unavailable"');
    expect(page.text).toMatch(/metadata database \(PostgreSQL\) is unavailable/);
    expect(page.text).not.toMatch(/\n\s+at |node_modules|ECONNREFUSED|Failed query/);
  });

  it("works again once PostgreSQL is back, without a restart", () => {
    expect(seen.adminBackMs).not.toBeNull();
    expect(seen.after.adminApi!.status).toBe(200);
    expect(seen.after.neverUsedToken!.status).toBe(200);
  });
});
