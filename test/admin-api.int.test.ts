/**
 * The admin API on real services: logger indexes created, changed and deleted through it while a real collector
 * runs (no restart), column flags, the dead-letter queue, users, API tokens, and who may call it at all.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import amqp from "amqplib";
import { Redis } from "ioredis";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { GET as meGET } from "@/app/api/auth/me/route";
import { GET as indexesGET, POST as indexesPOST } from "@/app/api/admin/indexes/route";
import {
  DELETE as indexDELETE,
  GET as indexGET,
  PATCH as indexPATCH,
} from "@/app/api/admin/indexes/[name]/route";
import { GET as columnsGET, PATCH as columnsPATCH } from "@/app/api/admin/indexes/[name]/columns/route";
import { GET as deadGET, POST as deadPOST } from "@/app/api/admin/indexes/[name]/dead-letters/route";
import { GET as usersGET, POST as usersPOST } from "@/app/api/admin/users/route";
import { DELETE as userDELETE, PATCH as userPATCH } from "@/app/api/admin/users/[id]/route";
import { GET as tokensGET, POST as tokensPOST } from "@/app/api/admin/tokens/route";
import { DELETE as tokenDELETE } from "@/app/api/admin/tokens/[id]/route";
import { users } from "@/db/schema";
import type { AdminIndex } from "@/lib/admin/index-stats";
import type { AdminColumn } from "@/lib/admin/manage-indexes";
import type { DeadLetter } from "@/lib/admin/dead-letters";
import { deadLetterExchange, deadLetterQueue, DLQ_HEADERS } from "@/lib/amqp/topology";
import type { PublicApiToken } from "@/lib/auth/api-tokens";
import { createSession, SESSION_COOKIE } from "@/lib/auth/sessions";
import type { PublicUser } from "@/lib/auth/users";
import { Collector } from "@/lib/collector/collector";
import { valuesKey } from "@/lib/collector/field-values";
import { parseDailyTableName } from "@/lib/engine/sphinxql-dialect";
import type { GrepResult } from "@/lib/query/wire";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  createTestUser,
  db,
  dropTestIndex,
  engine,
  engineCount,
  publish,
  uniqueName,
  waitFor,
  type As,
  callRoute,
  type RouteHandler,
} from "./helpers";

const call = callRoute;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for the collector (INDEX_REFRESH_MS=300 in tests) to have reloaded indexes and column flags. */
const REFRESH_WAIT_MS = 1200;

async function withChannel<T>(fn: (ch: amqp.Channel) => Promise<T>): Promise<T> {
  const conn = await amqp.connect(process.env.AMQP_URL!);
  conn.on("error", () => undefined);
  try {
    const ch = await conn.createChannel();
    ch.on("error", () => undefined);
    return await fn(ch);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

async function queueExists(queue: string): Promise<boolean> {
  return withChannel((ch) => ch.checkQueue(queue)).then(
    () => true,
    () => false,
  );
}

describe("admin API", () => {
  let collector: Collector;
  let admin: Awaited<ReturnType<typeof createTestUser>>;
  let viewer: Awaited<ReturnType<typeof createTestUser>>;
  const redis = new Redis(process.env.REDIS_URL!);
  const prefix = process.env.REDIS_PREFIX!;
  const asAdmin = () => ({ cookie: admin.cookie });

  beforeAll(async () => {
    admin = await createTestUser("admin");
    viewer = await createTestUser("viewer");
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
    redis.disconnect();
  });

  async function grep(index: string, query: Record<string, string> = {}, as: As = asAdmin()) {
    const qs = new URLSearchParams({ from: "now-1h", limit: "1000", ...query });
    return call<GrepResult>(grepGET, `/api/grep/${index}?${qs}`, { params: { logger: index }, as });
  }

  describe("logger indexes", () => {
    const name = uniqueName("adm");
    const queueName = `alco_test_${name}`;
    let deleted = false;

    afterAll(async () => {
      if (!deleted) await dropTestIndex({ name, queueName });
    });

    it("creates an index whose records are searchable within seconds, with no restart", async () => {
      const created = await call<{ index: AdminIndex }>(indexesPOST, "/api/admin/indexes", {
        method: "POST",
        body: { name, title: "Admin test", retentionDays: 3, routingKeys: [`app.${name}`], queueName },
        as: asAdmin(),
      });
      expect(created.status).toBe(201);
      expect(created.body.index).toMatchObject({
        name,
        title: "Admin test",
        retentionDays: 3,
        queueName,
        durable: true,
      });
      // Declared by the API at once: published before any collector refresh, nothing is lost.
      expect(await queueExists(queueName)).toBe(true);
      expect(await queueExists(deadLetterQueue(queueName))).toBe(true);
      const t = Date.now() - 60_000;
      await publish(
        Array.from({ length: 20 }, (_, i) => ({
          routingKey: `app.${name}`,
          body: {
            message: `hello admin ${i}`,
            timestamp: new Date(t + i).toISOString(),
            host: "h1",
            secret: "s3cr3t",
            team: "red",
          },
          options: { messageId: `${name}-first-${i}` },
        })),
      );
      const found = await waitFor(
        "records searchable",
        async () => {
          const r = await grep(name);
          return r.status === 200 && r.body.records.length === 20 && r.body;
        },
        20_000,
      );
      expect(found.records[0]!.message).toBe("hello admin 19");
      expect(found.records[0]!.fields).toMatchObject({ secret: "s3cr3t", team: "red" });
    });

    it("refuses a second index with the same name, queue or an existing RabbitMQ queue (409)", async () => {
      const same = await call(indexesPOST, "/api/admin/indexes", {
        method: "POST",
        body: { name },
        as: asAdmin(),
      });
      expect(same.status).toBe(409);
      const other = uniqueName("adm");
      const sameQueue = await call(indexesPOST, "/api/admin/indexes", {
        method: "POST",
        body: { name: other, queueName },
        as: asAdmin(),
      });
      expect(sameQueue.status).toBe(409);
      const stray = `alco_test_stray_${other}`;
      await withChannel((ch) => ch.assertQueue(stray, { durable: false }));
      try {
        const existing = await call(indexesPOST, "/api/admin/indexes", {
          method: "POST",
          body: { name: other, queueName: stray },
          as: asAdmin(),
        });
        expect(existing.status).toBe(409);
        expect(existing.body.error?.message).toContain("already exists in RabbitMQ");
      } finally {
        await withChannel((ch) => ch.deleteQueue(stray));
      }
      const bad = await call(indexesPOST, "/api/admin/indexes", {
        method: "POST",
        body: { name: "Not A Name" },
        as: asAdmin(),
      });
      expect(bad.status).toBe(400);
    });

    it("lists indexes with queue, engine and volume stats", async () => {
      const list = await waitFor(
        "stats settled",
        async () => {
          const r = await call<{ indexes: AdminIndex[] }>(indexesGET, "/api/admin/indexes", {
            as: asAdmin(),
          });
          const mine = r.body.indexes?.find((i) => i.name === name);
          return mine?.stats.recordsStored === 20 && mine.stats.consumers === 1 && mine;
        },
        10_000,
      );
      expect(list).toMatchObject({ name, routingKeys: [`app.${name}`], queueName, durable: true });
      expect(list.stats).toMatchObject({
        queueDepth: 0,
        consumers: 1,
        deadLetters: 0,
        recordsStored: 20,
        last5m: 20,
      });
      expect(list.stats.diskBytes).toBeGreaterThan(0);
      const one = await call<{ index: AdminIndex }>(indexGET, `/api/admin/indexes/${name}`, {
        params: { name },
        as: asAdmin(),
      });
      expect(one.status).toBe(200);
      expect(one.body.index.stats.recordsStored).toBe(20);
      const missing = await call(indexGET, "/api/admin/indexes/nosuch", {
        params: { name: "nosuch" },
        as: asAdmin(),
      });
      expect(missing.status).toBe(404);
    });

    it("applies column flags to new records: excluded fields are not stored, filtered values reach Redis", async () => {
      // The collector registers new columns in its next sync with PostgreSQL, after the records are stored.
      const cols = await waitFor(
        "the records' columns registered",
        async () => {
          const r = await call<{ columns: AdminColumn[] }>(columnsGET, `/api/admin/indexes/${name}/columns`, {
            params: { name },
            as: asAdmin(),
          });
          return (
            r.status === 200 && ["secret", "team"].every((c) => r.body.columns.some((x) => x.name === c)) && r
          );
        },
        10_000,
      );
      const byName = new Map(cols.body.columns.map((c) => [c.name, c]));
      expect(byName.get("secret")).toMatchObject({
        filtered: false,
        excluded: false,
        display: false,
        context: false,
        indexed: false,
      });
      expect(byName.get("host")).toMatchObject({ filtered: true, display: true });
      expect(typeof byName.get("team")?.firstSeenAt).toBe("string");
      expect(await redis.zcard(valuesKey(prefix, name, "team"))).toBe(0);

      const patched = await call<{ columns: AdminColumn[] }>(
        columnsPATCH,
        `/api/admin/indexes/${name}/columns`,
        {
          method: "PATCH",
          params: { name },
          body: {
            columns: [
              { name: "secret", excluded: true },
              { name: "team", filtered: true, display: true },
            ],
          },
          as: asAdmin(),
        },
      );
      expect(patched.status).toBe(200);
      expect(patched.body.columns.find((c) => c.name === "secret")).toMatchObject({ excluded: true });
      expect(patched.body.columns.find((c) => c.name === "team")).toMatchObject({
        filtered: true,
        display: true,
      });

      const unknown = await call(columnsPATCH, `/api/admin/indexes/${name}/columns`, {
        method: "PATCH",
        params: { name },
        body: { columns: [{ name: "never_seen", excluded: true }] },
        as: asAdmin(),
      });
      expect(unknown.status).toBe(400);

      await sleep(REFRESH_WAIT_MS);
      await publish([
        {
          routingKey: `app.${name}`,
          body: { message: "after flags", host: "h1", secret: "hidden", team: "blue" },
          options: { messageId: `${name}-after-flags` },
        },
      ]);
      const after = await waitFor("record after flags", async () => {
        const r = await grep(name, { q: '"after flags"' });
        return r.body.records?.[0];
      });
      expect(after.fields).not.toHaveProperty("secret");
      expect(after.fields).toMatchObject({ team: "blue" });
      const before = await grep(name, { q: '"hello admin 3"' });
      expect(before.body.records[0]!.fields).toMatchObject({ secret: "s3cr3t" });
      expect(await redis.zrange(valuesKey(prefix, name, "team"), "0", "-1")).toEqual(["blue"]);
    });

    it("rebinds the queue at once when routing keys change, and refuses to change the queue", async () => {
      const patched = await call<{ index: AdminIndex }>(indexPATCH, `/api/admin/indexes/${name}`, {
        method: "PATCH",
        params: { name },
        body: { title: "Renamed", routingKeys: [`other.${name}.#`] },
        as: asAdmin(),
      });
      expect(patched.status).toBe(200);
      expect(patched.body.index).toMatchObject({ title: "Renamed", routingKeys: [`other.${name}.#`] });
      const count = await engineCount(name);
      // The old key is unbound at once: publishing to it now reaches no queue of this index.
      await publish([
        {
          routingKey: `other.${name}.x`,
          body: { message: "new key" },
          options: { messageId: `${name}-newkey` },
        },
        { routingKey: `app.${name}`, body: { message: "old key" }, options: { messageId: `${name}-oldkey` } },
      ]);
      await waitFor(
        "new key record",
        async () => (await grep(name, { q: '"new key"' })).body.records?.length === 1,
      );
      await sleep(REFRESH_WAIT_MS);
      expect(await engineCount(name)).toBe(count + 1);
      expect((await grep(name, { q: '"old key"' })).body.records).toHaveLength(0);

      for (const body of [{ queueName: "elsewhere" }, { durable: false }]) {
        const refused = await call(indexPATCH, `/api/admin/indexes/${name}`, {
          method: "PATCH",
          params: { name },
          body,
          as: asAdmin(),
        });
        expect(refused.status).toBe(400);
        expect(refused.body.error?.message).toMatch(/cannot be changed/);
      }
      const invalid = await call(indexPATCH, `/api/admin/indexes/${name}`, {
        method: "PATCH",
        params: { name },
        body: { routingKeys: ["bad key"] },
        as: asAdmin(),
      });
      expect(invalid.status).toBe(400);
    });

    /** Puts a message on the index's dead-letter queue with the headers the collector sets. */
    async function deadLetter(messageId: string, routingKey: string, body: object) {
      await withChannel(async (ch) => {
        ch.publish(
          deadLetterExchange(process.env.AMQP_EXCHANGE!),
          queueName,
          Buffer.from(JSON.stringify(body)),
          {
            persistent: true,
            messageId,
            headers: {
              [DLQ_HEADERS.reason]: "engine refused the record: test",
              [DLQ_HEADERS.routingKey]: routingKey,
              [DLQ_HEADERS.index]: name,
              [DLQ_HEADERS.at]: new Date().toISOString(),
            },
          },
        );
        await ch.close();
      });
    }

    const dlqCount = () =>
      withChannel(async (ch) => (await ch.checkQueue(deadLetterQueue(queueName))).messageCount);

    it("shows dead letters with their reasons, re-publishes them and drops them", async () => {
      await publish([
        { routingKey: `other.${name}.x`, body: "not json {", options: { messageId: `${name}-poison` } },
      ]);
      await waitFor("poison dead-lettered", async () => {
        const r = await call<{ count: number }>(deadGET, `/api/admin/indexes/${name}/dead-letters`, {
          params: { name },
          as: asAdmin(),
        });
        return r.body.count === 1;
      });
      // A valid record dead-lettered as the collector does it (say, once refused by the engine), to re-publish.
      await deadLetter(`${name}-revived`, `other.${name}.revived`, {
        message: "came back from the dead",
        host: "h2",
      });
      await waitFor("dead letter queued", async () => (await dlqCount()) === 2);
      const peek = await call<{ count: number; messages: DeadLetter[] }>(
        deadGET,
        `/api/admin/indexes/${name}/dead-letters?limit=20`,
        { params: { name }, as: asAdmin() },
      );
      expect(peek.status).toBe(200);
      expect(peek.body.count).toBe(2);
      expect(peek.body.messages).toHaveLength(2);
      expect(peek.body.messages[0]).toMatchObject({
        messageId: `${name}-revived`,
        reason: "engine refused the record: test",
        routingKey: `other.${name}.revived`,
      });
      expect(peek.body.messages[1]).toMatchObject({
        messageId: `${name}-poison`,
        routingKey: `other.${name}.x`,
        body: "not json {",
      });
      expect(peek.body.messages[1]!.reason).toMatch(/^not JSON/);
      expect(Date.parse(peek.body.messages[1]!.rejectedAt!)).toBeGreaterThan(Date.now() - 60_000);
      // Peeking consumed nothing.
      const again = await call<{ count: number }>(deadGET, `/api/admin/indexes/${name}/dead-letters`, {
        params: { name },
        as: asAdmin(),
      });
      expect(again.body.count).toBe(2);

      const republished = await call<{ count: number }>(deadPOST, `/api/admin/indexes/${name}/dead-letters`, {
        method: "POST",
        params: { name },
        body: { action: "republish" },
        as: asAdmin(),
      });
      expect(republished.status).toBe(200);
      expect(republished.body.count).toBe(2);
      const revived = await waitFor(
        "revived record",
        async () => (await grep(name, { q: "dead" })).body.records?.[0],
      );
      expect(revived).toMatchObject({ message: "came back from the dead", host: "h2" });
      // The poison message is rejected again, with its reason: nothing is lost.
      await waitFor("poison back in the dead-letter queue", async () => {
        const r = await call<{ count: number; messages: DeadLetter[] }>(
          deadGET,
          `/api/admin/indexes/${name}/dead-letters`,
          {
            params: { name },
            as: asAdmin(),
          },
        );
        return r.body.count === 1 && r.body.messages[0]!.messageId === `${name}-poison`;
      });

      // One that no queue is bound for any more: the broker returns the copy, and the dead letter stays.
      await deadLetter(`${name}-nowhere`, `nowhere.${name}`, { message: "unroutable" });
      await waitFor("unroutable dead letter queued", async () => (await dlqCount()) === 2);
      const partly = await call<{ count: number }>(deadPOST, `/api/admin/indexes/${name}/dead-letters`, {
        method: "POST",
        params: { name },
        body: { action: "republish" },
        as: asAdmin(),
      });
      expect(partly.body.count).toBe(1);
      const kept = await waitFor("poison rejected again beside the unroutable one", async () => {
        const r = await call<{ count: number; messages: DeadLetter[] }>(
          deadGET,
          `/api/admin/indexes/${name}/dead-letters`,
          { params: { name }, as: asAdmin() },
        );
        return r.body.count === 2 && r.body.messages;
      });
      expect(kept.map((m) => m.messageId).sort()).toEqual([`${name}-nowhere`, `${name}-poison`]);

      const dropped = await call<{ count: number }>(deadPOST, `/api/admin/indexes/${name}/dead-letters`, {
        method: "POST",
        params: { name },
        body: { action: "drop" },
        as: asAdmin(),
      });
      expect(dropped.body.count).toBe(2);
      const empty = await call<{ count: number; messages: DeadLetter[] }>(
        deadGET,
        `/api/admin/indexes/${name}/dead-letters`,
        {
          params: { name },
          as: asAdmin(),
        },
      );
      expect(empty.body).toEqual({ count: 0, messages: [] });
      const badAction = await call(deadPOST, `/api/admin/indexes/${name}/dead-letters`, {
        method: "POST",
        params: { name },
        body: { action: "eat" },
        as: asAdmin(),
      });
      expect(badAction.status).toBe(400);
    });

    it("deletes an index only when its name is confirmed, with its queues, tables and Redis values", async () => {
      const allowed = await createTestUser("viewer", [name]);
      expect(await redis.exists(valuesKey(prefix, name, "host"))).toBe(1);
      const daily = [...(await engine().tables())].filter((t) => parseDailyTableName(t)?.index === name);
      expect(daily.length).toBeGreaterThan(0);

      for (const qs of ["", `?confirm=${name}x`]) {
        const refused = await call(indexDELETE, `/api/admin/indexes/${name}${qs}`, {
          method: "DELETE",
          params: { name },
          as: asAdmin(),
        });
        expect(refused.status).toBe(400);
      }
      expect(await queueExists(queueName)).toBe(true);

      const res = await call(indexDELETE, `/api/admin/indexes/${name}?confirm=${name}`, {
        method: "DELETE",
        params: { name },
        as: asAdmin(),
      });
      expect(res.status).toBe(204);
      deleted = true;
      expect(await queueExists(queueName)).toBe(false);
      expect(await queueExists(deadLetterQueue(queueName))).toBe(false);
      expect(await redis.keys(`${prefix}values:${name}:*`)).toEqual([]);
      await waitFor("tables dropped", async () => {
        const tables = await engine().tables();
        return !tables.has(name) && daily.every((t) => !tables.has(t));
      });
      const gone = await call(indexGET, `/api/admin/indexes/${name}`, { params: { name }, as: asAdmin() });
      expect(gone.status).toBe(404);
      const [row] = await db().select().from(users).where(eq(users.id, allowed.user.id));
      expect(row!.allowedIndexes).toEqual([]);
      // Still gone after the collector's next refreshes: nothing declared the queue again.
      await sleep(REFRESH_WAIT_MS);
      expect(await queueExists(queueName)).toBe(false);
    });
  });

  describe("users", () => {
    it("creates, lists, updates and deletes users, never returning password hashes", async () => {
      const username = uniqueName("u");
      const created = await call<{ user: PublicUser }>(usersPOST, "/api/admin/users", {
        method: "POST",
        body: { username, password: "correct horse battery", role: "viewer" },
        as: asAdmin(),
      });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ username, role: "viewer", allowedIndexes: null });
      expect(created.text).not.toMatch(/passwordHash|scrypt\$/);
      const id = created.body.user.id;

      const dup = await call(usersPOST, "/api/admin/users", {
        method: "POST",
        body: { username, password: "another password" },
        as: asAdmin(),
      });
      expect(dup.status).toBe(409);
      const weak = await call(usersPOST, "/api/admin/users", {
        method: "POST",
        body: { username: uniqueName("u"), password: "short" },
        as: asAdmin(),
      });
      expect(weak.status).toBe(400);
      const badIndex = await call(usersPOST, "/api/admin/users", {
        method: "POST",
        body: { username: uniqueName("u"), password: "long enough pw", allowedIndexes: ["no_such_index"] },
        as: asAdmin(),
      });
      expect(badIndex.status).toBe(400);

      const list = await call<{ users: PublicUser[] }>(usersGET, "/api/admin/users", { as: asAdmin() });
      expect(list.status).toBe(200);
      expect(list.body.users.find((u) => u.id === id)).toMatchObject({ username, role: "viewer" });
      expect(list.text).not.toMatch(/passwordHash|scrypt\$/);

      const promoted = await call<{ user: PublicUser }>(userPATCH, `/api/admin/users/${id}`, {
        method: "PATCH",
        params: { id: String(id) },
        body: { role: "admin", password: "a new password here" },
        as: asAdmin(),
      });
      expect(promoted.status).toBe(200);
      expect(promoted.body.user.role).toBe("admin");
      expect(promoted.text).not.toMatch(/passwordHash|scrypt\$/);

      const missing = await call(userPATCH, "/api/admin/users/999999", {
        method: "PATCH",
        params: { id: "999999" },
        body: { role: "viewer" },
        as: asAdmin(),
      });
      expect(missing.status).toBe(404);
      const notId = await call(userDELETE, "/api/admin/users/abc", {
        method: "DELETE",
        params: { id: "abc" },
        as: asAdmin(),
      });
      expect(notId.status).toBe(400);

      const del = await call(userDELETE, `/api/admin/users/${id}`, {
        method: "DELETE",
        params: { id: String(id) },
        as: asAdmin(),
      });
      expect(del.status).toBe(204);
      const after = await call<{ users: PublicUser[] }>(usersGET, "/api/admin/users", { as: asAdmin() });
      expect(after.body.users.some((u) => u.id === id)).toBe(false);
    });

    it("never stores or logs a password in clear", async () => {
      const password = `clear-${randomUUID()}`;
      const reset = `reset-${randomUUID()}`;
      const logged: string[] = [];
      const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
        vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
          logged.push(
            args
              .map((a) =>
                a instanceof Error
                  ? `${a.message} ${a.stack}`
                  : typeof a === "string"
                    ? a
                    : JSON.stringify(a),
              )
              .join(" "),
          );
        }),
      );
      const bodies: string[] = [];
      try {
        const created = await call<{ user: PublicUser }>(usersPOST, "/api/admin/users", {
          method: "POST",
          body: { username: uniqueName("pw"), password },
          as: asAdmin(),
        });
        expect(created.status).toBe(201);
        bodies.push(created.text);
        const id = String(created.body.user.id);
        bodies.push(
          (
            await call(userPATCH, `/api/admin/users/${id}`, {
              method: "PATCH",
              params: { id },
              body: { password: reset },
              as: asAdmin(),
            })
          ).text,
        );
        // A failing request must not echo it either.
        bodies.push(
          (
            await call(usersPOST, "/api/admin/users", {
              method: "POST",
              body: { username: created.body.user.username, password },
              as: asAdmin(),
            })
          ).text,
        );
      } finally {
        for (const s of spies) s.mockRestore();
      }
      const rows = await db().execute<{ row: string }>(sql`SELECT row_to_json(u)::text AS row FROM users u`);
      const table = rows.rows.map((r) => r.row).join("\n");
      expect(table.length).toBeGreaterThan(0);
      for (const secret of [password, reset]) {
        expect(table).not.toContain(secret);
        expect(logged.join("\n")).not.toContain(secret);
        expect(bodies.join("\n")).not.toContain(secret);
      }
    });

    it("keeps at least one admin, and no one deletes themselves", async () => {
      const others = (await db().select().from(users).where(eq(users.role, "admin"))).filter(
        (u) => u.id !== admin.user.id,
      );
      // Leave this file's admin as the only one for the duration of the test.
      for (const u of others) await db().update(users).set({ role: "viewer" }).where(eq(users.id, u.id));
      try {
        const self = String(admin.user.id);
        const demoteLast = await call(userPATCH, `/api/admin/users/${self}`, {
          method: "PATCH",
          params: { id: self },
          body: { role: "viewer" },
          as: asAdmin(),
        });
        expect(demoteLast.status).toBe(409);
        expect(demoteLast.body.error?.message).toMatch(/last admin/);
        const deleteSelf = await call(userDELETE, `/api/admin/users/${self}`, {
          method: "DELETE",
          params: { id: self },
          as: asAdmin(),
        });
        expect(deleteSelf.status).toBe(409);

        const second = await call<{ user: PublicUser }>(usersPOST, "/api/admin/users", {
          method: "POST",
          body: { username: uniqueName("admin2"), password: "second admin pw", role: "admin" },
          as: asAdmin(),
        });
        expect(second.status).toBe(201);
        const secondId = String(second.body.user.id);
        const secondCookie = {
          cookie: `${SESSION_COOKIE}=${await createSession(db(), second.body.user.id)}`,
        };
        // With two admins, one may step down.
        const demoteSecond = await call(userPATCH, `/api/admin/users/${secondId}`, {
          method: "PATCH",
          params: { id: secondId },
          body: { role: "viewer" },
          as: secondCookie,
        });
        expect(demoteSecond.status).toBe(200);
        // A demoted admin loses the admin routes on its very next request.
        const refused = await call(usersGET, "/api/admin/users", { as: secondCookie });
        expect(refused.status).toBe(403);
        await db().update(users).set({ role: "admin" }).where(eq(users.id, second.body.user.id));
        const deleteOther = await call(userDELETE, `/api/admin/users/${self}`, {
          method: "DELETE",
          params: { id: self },
          as: secondCookie,
        });
        expect(deleteOther.status).toBe(204);
        // The second is now the last admin: it can neither step down nor delete itself.
        const demoteLastAgain = await call(userPATCH, `/api/admin/users/${secondId}`, {
          method: "PATCH",
          params: { id: secondId },
          body: { role: "viewer" },
          as: secondCookie,
        });
        expect(demoteLastAgain.status).toBe(409);
        const deleteLast = await call(userDELETE, `/api/admin/users/${secondId}`, {
          method: "DELETE",
          params: { id: secondId },
          as: secondCookie,
        });
        expect(deleteLast.status).toBe(409);
      } finally {
        for (const u of others) await db().update(users).set({ role: "admin" }).where(eq(users.id, u.id));
        admin = await createTestUser("admin");
      }
    });
  });

  describe("API tokens", () => {
    it("creates a token shown once that works as a bearer, and fails on the very next request once revoked", async () => {
      const index = await createTestIndex();
      try {
        const created = await call<{ token: string; record: PublicApiToken }>(
          tokensPOST,
          "/api/admin/tokens",
          {
            method: "POST",
            body: { name: "ci reader", scope: "read" },
            as: asAdmin(),
          },
        );
        expect(created.status).toBe(201);
        const { token, record } = created.body;
        expect(token.startsWith(record.prefix)).toBe(true);
        expect(record).toMatchObject({
          name: "ci reader",
          scope: "read",
          createdBy: admin.user.id,
          revokedAt: null,
        });
        expect(created.text).not.toContain("tokenHash");

        const list = await call<{ tokens: PublicApiToken[] }>(tokensGET, "/api/admin/tokens", {
          as: asAdmin(),
        });
        expect(list.body.tokens.find((t) => t.id === record.id)).toMatchObject({ prefix: record.prefix });
        // Listed, never shown again.
        expect(list.text).not.toContain(token);
        expect(list.text).not.toContain("tokenHash");

        expect((await grep(index.name, {}, { bearer: token })).status).toBe(200);
        expect((await call(meGET, "/api/auth/me", { as: { bearer: token } })).status).toBe(200);

        const revoked = await call(tokenDELETE, `/api/admin/tokens/${record.id}`, {
          method: "DELETE",
          params: { id: String(record.id) },
          as: asAdmin(),
        });
        expect(revoked.status).toBe(204);
        expect((await grep(index.name, {}, { bearer: token })).status).toBe(401);
        const twice = await call(tokenDELETE, `/api/admin/tokens/${record.id}`, {
          method: "DELETE",
          params: { id: String(record.id) },
          as: asAdmin(),
        });
        expect(twice.status).toBe(404);
        const listed = await call<{ tokens: PublicApiToken[] }>(tokensGET, "/api/admin/tokens", {
          as: asAdmin(),
        });
        expect(listed.body.tokens.find((t) => t.id === record.id)!.revokedAt).not.toBeNull();

        const badScope = await call(tokensPOST, "/api/admin/tokens", {
          method: "POST",
          body: { name: "x", scope: "admin" },
          as: asAdmin(),
        });
        expect(badScope.status).toBe(400);
      } finally {
        await dropTestIndex(index);
      }
    });
  });

  describe("access", () => {
    const routes: {
      handler: RouteHandler;
      path: string;
      method: string;
      params?: Record<string, string>;
      body?: unknown;
    }[] = [
      { handler: indexesGET, path: "/api/admin/indexes", method: "GET" },
      { handler: indexesPOST, path: "/api/admin/indexes", method: "POST", body: { name: "denied_index" } },
      { handler: indexGET, path: "/api/admin/indexes/demo", method: "GET", params: { name: "demo" } },
      {
        handler: indexPATCH,
        path: "/api/admin/indexes/demo",
        method: "PATCH",
        params: { name: "demo" },
        body: { title: "x" },
      },
      {
        handler: indexDELETE,
        path: "/api/admin/indexes/demo?confirm=demo",
        method: "DELETE",
        params: { name: "demo" },
      },
      {
        handler: columnsGET,
        path: "/api/admin/indexes/demo/columns",
        method: "GET",
        params: { name: "demo" },
      },
      {
        handler: columnsPATCH,
        path: "/api/admin/indexes/demo/columns",
        method: "PATCH",
        params: { name: "demo" },
        body: { columns: [{ name: "host", excluded: true }] },
      },
      {
        handler: deadGET,
        path: "/api/admin/indexes/demo/dead-letters",
        method: "GET",
        params: { name: "demo" },
      },
      {
        handler: deadPOST,
        path: "/api/admin/indexes/demo/dead-letters",
        method: "POST",
        params: { name: "demo" },
        body: { action: "drop" },
      },
      { handler: usersGET, path: "/api/admin/users", method: "GET" },
      {
        handler: usersPOST,
        path: "/api/admin/users",
        method: "POST",
        body: { username: "intruder", password: "0123456789ab" },
      },
      {
        handler: userPATCH,
        path: "/api/admin/users/1",
        method: "PATCH",
        params: { id: "1" },
        body: { role: "viewer" },
      },
      { handler: userDELETE, path: "/api/admin/users/1", method: "DELETE", params: { id: "1" } },
      { handler: tokensGET, path: "/api/admin/tokens", method: "GET" },
      { handler: tokensPOST, path: "/api/admin/tokens", method: "POST", body: { name: "x", scope: "read" } },
      { handler: tokenDELETE, path: "/api/admin/tokens/1", method: "DELETE", params: { id: "1" } },
    ];

    it("answers 403 to a viewer and to API tokens, and 401 to anonymous callers, on every admin route", async () => {
      const read = await createTestToken("read");
      const ingest = await createTestToken("ingest");
      for (const r of routes) {
        const opts = { method: r.method, params: r.params, body: r.body };
        const label = `${r.method} ${r.path}`;
        expect([
          label,
          (await call(r.handler, r.path, { ...opts, as: { cookie: viewer.cookie } })).status,
        ]).toEqual([label, 403]);
        expect([
          label,
          (await call(r.handler, r.path, { ...opts, as: { bearer: read.token } })).status,
        ]).toEqual([label, 403]);
        expect([
          label,
          (await call(r.handler, r.path, { ...opts, as: { bearer: ingest.token } })).status,
        ]).toEqual([label, 403]);
        expect([label, (await call(r.handler, r.path, { ...opts, as: "anonymous" })).status]).toEqual([
          label,
          401,
        ]);
      }
    });

    it("refuses an admin's cookie write that does not come from alco's own pages", async () => {
      const req = new Request("http://alco.test/api/admin/tokens", {
        method: "POST",
        headers: {
          cookie: admin.cookie,
          "content-type": "application/json",
          origin: "http://evil.test",
          host: "alco.test",
        },
        body: JSON.stringify({ name: "csrf", scope: "read" }),
      });
      const res = await tokensPOST(req, { params: Promise.resolve({} as never) });
      expect(res.status).toBe(403);
    });
  });
});
