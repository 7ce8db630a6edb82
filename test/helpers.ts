/** Helpers for integration tests, inside the isolated stack set up by test/global-setup.ts. */
import amqp, { type Options } from "amqplib";
import { randomUUID } from "node:crypto";
import { getDb } from "@/db/client";
import { assertIndexQueue, deleteIndexQueue, type IndexQueue } from "@/lib/amqp/topology";
import { parseCollectorEnv, type CollectorEnv } from "@/lib/collector/env";
import { createEngine, parseEngineAddress, type Engine } from "@/lib/engine/engine-client";
import { countTableSql } from "@/lib/engine/sphinxql-dialect";
import { createIndex, deleteIndex } from "@/lib/indexes/logger-indexes";
import type { CreateIndexInput } from "@/lib/indexes/schema";
import type { LoggerIndex } from "@/db/schema";
import { createApiToken } from "@/lib/auth/api-tokens";
import { SESSION_COOKIE, createSession } from "@/lib/auth/sessions";
import { createUser } from "@/lib/auth/users";

export function collectorEnv(overrides: Record<string, string> = {}): CollectorEnv {
  return parseCollectorEnv({ ...process.env, METRICS_PORT: "0", INDEX_REFRESH_MS: "300", ...overrides });
}

export function uniqueName(prefix = "t"): string {
  return `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
}

export function db() {
  return getDb(process.env.DATABASE_URL!);
}

let sharedEngine: Engine | null = null;
export function engine(): Engine {
  sharedEngine ??= createEngine(parseEngineAddress(process.env.SEARCHD_URL!));
  return sharedEngine;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | false | null | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`,
  );
}

/**
 * Creates a logger index, declares its queue (so records published before a collector starts are kept) and
 * waits until searchd serves its tables.
 */
export async function createTestIndex(input: Partial<CreateIndexInput> = {}): Promise<LoggerIndex> {
  const name = input.name ?? uniqueName();
  const index = await createIndex(db(), { name, queueName: `alco_test_${name}`, ...input });
  const conn = await amqp.connect(process.env.AMQP_URL!);
  try {
    const exchange = { name: process.env.AMQP_EXCHANGE!, durable: true, log: console.warn };
    await assertIndexQueue(conn, exchange, index);
  } finally {
    await conn.close();
  }
  await waitFor(`tables of ${name}`, async () => (await engine().tables()).has(name));
  return index;
}

export async function dropTestIndex(index: Pick<IndexQueue, "name" | "queueName">): Promise<void> {
  await deleteIndex(db(), index.name);
  const conn = await amqp.connect(process.env.AMQP_URL!);
  const ch = await conn.createChannel();
  ch.on("error", () => undefined);
  await deleteIndexQueue(ch, index).catch(() => undefined);
  await conn.close().catch(() => undefined);
}

export type Outgoing = { routingKey: string; body: Buffer | string | object; options?: Options.Publish };

/** Publishes with confirms and waits for all of them, as a careful producer does. */
export async function publish(messages: Outgoing[], exchange = process.env.AMQP_EXCHANGE!): Promise<void> {
  const conn = await amqp.connect(process.env.AMQP_URL!);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertExchange(exchange, "topic", { durable: true });
    for (const m of messages) {
      const body = Buffer.isBuffer(m.body)
        ? m.body
        : Buffer.from(typeof m.body === "string" ? m.body : JSON.stringify(m.body));
      if (
        !ch.publish(exchange, m.routingKey, body, {
          persistent: true,
          contentType: "application/json",
          ...m.options,
        })
      ) {
        await new Promise((r) => ch.once("drain", r));
      }
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close();
  }
}

/** Records stored for an index, summed over its daily tables. */
export async function engineCount(index: string): Promise<number> {
  const rows = await engine().query<{ n: string | number }>(countTableSql(index));
  return Number(rows[0]?.n ?? 0);
}

/** A user with a live session, for tests: the cookie header to send as them. */
export async function createTestUser(
  role: "admin" | "viewer" = "viewer",
  allowedIndexes: string[] | null = null,
) {
  const username = uniqueName(role);
  const password = `pw-${randomUUID()}`;
  const user = await createUser(db(), { username, password, role, allowedIndexes });
  const session = await createSession(db(), user.id);
  return { user, username, password, cookie: `${SESSION_COOKIE}=${session}` };
}

/** A bearer token, for tests. */
export async function createTestToken(scope: "read" | "ingest" = "read") {
  const { token, record } = await createApiToken(db(), { name: uniqueName("token"), scope, createdBy: null });
  return { token, record };
}

let readToken: Promise<string> | null = null;

/** One read-scope token per test process, for calls that only need to be allowed to read. */
export function testReadToken(): Promise<string> {
  readToken ??= createTestToken("read").then((t) => t.token);
  return readToken;
}

export type As = { bearer: string } | { cookie: string } | "anonymous";

/**
 * A Request as a client would send it: with a bearer token or a session cookie (plus the Origin a browser adds,
 * so cookie writes pass the same-origin check), and a JSON body if given.
 */
export async function apiRequest(
  path: string,
  opts: { method?: string; body?: unknown; as?: As } = {},
): Promise<Request> {
  const url = new URL(path, "http://alco.test");
  const headers = new Headers();
  const as = opts.as ?? { bearer: await testReadToken() };
  if (as !== "anonymous" && "bearer" in as) headers.set("authorization", `Bearer ${as.bearer}`);
  if (as !== "anonymous" && "cookie" in as) {
    headers.set("cookie", as.cookie);
    headers.set("origin", url.origin);
    headers.set("host", url.host);
  }
  if (opts.body !== undefined) headers.set("content-type", "application/json");
  return new Request(url, {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
}

/** Request options with the test read token added, for tests that build their own Requests. */
export async function withReadToken(init: RequestInit = {}): Promise<RequestInit> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${await testReadToken()}`);
  return { ...init, headers };
}

/** Any route handler, as the tests call them: each checks its own params. */
export type RouteHandler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
export type ErrorBody = { error?: { code: string; message: string } };

/** Calls a route handler as a client would (apiRequest) and reads its JSON answer. */
export async function callRoute<T>(
  handler: RouteHandler,
  path: string,
  opts: { params?: Record<string, string>; method?: string; body?: unknown; as?: As } = {},
): Promise<{ status: number; body: T & ErrorBody; text: string }> {
  const req = await apiRequest(path, { method: opts.method, body: opts.body, as: opts.as });
  const res = await handler(req, { params: Promise.resolve((opts.params ?? {}) as never) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T & ErrorBody, text };
}
