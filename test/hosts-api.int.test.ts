/**
 * The /hosts API on real services: records with known hosts, agent-style `file` fields and plain loggers,
 * published through RabbitMQ into two indexes by a real collector, then the route handlers called as a script
 * (bearer token) and as a viewer limited to one index would call them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { GET as hostsGET } from "@/app/api/hosts/route";
import { GET as hostGET } from "@/app/api/hosts/[host]/route";
import { GET as filesGET } from "@/app/api/hosts/[host]/files/route";
import { GET as logsGET } from "@/app/api/hosts/[host]/logs/route";
import { Collector } from "@/lib/collector/collector";
import { valuesKey } from "@/lib/collector/field-values";
import type { HostSources } from "@/lib/hosts/host-sources";
import { listHosts } from "@/lib/hosts/list-hosts";
import { hostExists } from "@/lib/hosts/require-host";
import type { HostDetail, HostFile, HostLogLine, HostSummary } from "@/lib/hosts/schema";
import type { LoggerIndex } from "@/db/schema";
import {
  collectorEnv,
  createTestIndex,
  createTestUser,
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

type Body<T> = { data: T; error: { code: string; message: string } };

async function call<T>(handler: RouteHandler, path: string, params: Record<string, string> = {}, as?: As) {
  const { status, body } = await callRoute<Body<T>>(handler, path, { params, as });
  return { status, body: body as Body<T> };
}

const MIN = 60_000;
const NOW = Date.now();
/** All seeded lines are within the last half hour, one second apart in this order, except the old one. */
const T0 = NOW - 30 * MIN;
const suffix = uniqueName("h").slice(2);
const WEB1 = `web-1-${suffix}`;
const WEB2 = `web-2-${suffix}`;
const DB1 = `db-1-${suffix}`;
const NGINX = "/var/log/nginx/access.log";
const APP = "/var/log/app.log";
const OLD = "/var/log/old.log";

type Seed = {
  index: "a" | "b";
  host: string;
  logger: string;
  file?: string;
  message: string;
  level?: string;
};

/** In time order: line k is at T0 + k seconds. */
const SEEDS: Seed[] = [
  ...Array.from({ length: 5 }, (_, i): Seed => ({
    index: "a",
    host: WEB1,
    logger: "nginx",
    file: NGINX,
    message: `GET /item/${i} status=${i === 3 ? 500 : 200}`,
    level: i === 3 ? "error" : "info",
  })),
  ...Array.from({ length: 3 }, (_, i): Seed => ({
    index: "a",
    host: WEB1,
    logger: "app",
    file: APP,
    message: `app started worker ${i}`,
  })),
  ...Array.from({ length: 4 }, (_, i): Seed => ({
    index: "a",
    host: WEB1,
    logger: "billing",
    message: `invoice ${i} sent`,
  })),
  ...Array.from({ length: 2 }, (_, i): Seed => ({
    index: "a",
    host: WEB2,
    logger: "billing",
    message: `invoice ${10 + i} sent`,
  })),
  ...Array.from({ length: 2 }, (_, i): Seed => ({
    index: "b",
    host: WEB1,
    logger: "jobs",
    message: `job ${i} done`,
    level: "warn",
  })),
  ...Array.from({ length: 3 }, (_, i): Seed => ({
    index: "b",
    host: DB1,
    logger: "postgres",
    file: "/var/log/postgresql.log",
    message: `checkpoint ${i}`,
  })),
];

/** Two days old: outside the default 24-hour window of /files, inside the index's retention. */
const OLD_SEED: Seed = { index: "a", host: WEB1, logger: "old", file: OLD, message: "rotated long ago" };
const OLD_TS = NOW - 2 * 24 * 60 * MIN;

describe("/hosts API", () => {
  const env = collectorEnv();
  let collector: Collector;
  let a: LoggerIndex;
  let b: LoggerIndex;
  const indexOf = (s: Seed) => (s.index === "a" ? a.name : b.name);
  const tsOf = (k: number) => T0 + k * 1000;
  /** Every seeded line with its time, the old one first. */
  const timed = () => [{ s: OLD_SEED, ts: OLD_TS }, ...SEEDS.map((s, k) => ({ s, ts: tsOf(k) }))];
  /** The seeded lines of a host as the logs endpoint returns them, newest first. */
  const expectedLines = (pick: (s: Seed) => boolean): Partial<HostLogLine>[] =>
    timed()
      .filter(({ s }) => pick(s))
      .reverse()
      .map(({ s, ts }) => ({
        host: s.host,
        filename: s.file ?? s.logger,
        logline: s.message,
        timestamp: new Date(ts).toISOString(),
        level: s.level ?? "info",
        index: indexOf(s),
        logger: s.logger,
      }));
  const shape = (lines: HostLogLine[]) => lines.map(({ id: _id, ...rest }) => rest);

  beforeAll(async () => {
    a = await createTestIndex();
    b = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    await publish(
      timed().map(({ s, ts }, k) => ({
        routingKey: `app.${indexOf(s)}`,
        body: {
          timestamp: new Date(ts).toISOString(),
          message: s.message,
          level: s.level ?? "info",
          host: s.host,
          logger: s.logger,
          ...(s.file ? { file: s.file } : {}),
        },
        options: { messageId: `hosts-${suffix}-${k}` },
      })),
    );
    await waitFor("index a stored", async () => (await engineCount(a.name)) === 15);
    await waitFor("index b stored", async () => (await engineCount(b.name)) === 5);
    const redis = new Redis(env.REDIS_URL);
    try {
      await waitFor(
        "hosts tracked",
        async () =>
          (await redis.zcard(valuesKey(env.REDIS_PREFIX, a.name, "host"))) === 2 &&
          (await redis.zcard(valuesKey(env.REDIS_PREFIX, b.name, "host"))) === 2,
      );
    } finally {
      redis.disconnect();
    }
  });

  afterAll(async () => {
    await collector?.stop();
    if (a) await dropTestIndex(a);
    if (b) await dropTestIndex(b);
  });

  describe("GET /api/hosts/", () => {
    it("lists the hosts of every readable index once, by name, with their links and when last seen", async () => {
      const { status, body } = await call<HostSummary[]>(hostsGET, "/api/hosts/");
      expect(status).toBe(200);
      const mine = body.data.filter((h) => h.host.endsWith(suffix));
      expect(mine).toEqual([
        {
          host: DB1,
          url: `/api/hosts/${DB1}/`,
          files_url: `/api/hosts/${DB1}/files`,
          logs_url: `/api/hosts/${DB1}/logs`,
          last_seen: new Date(tsOf(SEEDS.length - 1)).toISOString(),
        },
        {
          host: WEB1,
          url: `/api/hosts/${WEB1}/`,
          files_url: `/api/hosts/${WEB1}/files`,
          logs_url: `/api/hosts/${WEB1}/logs`,
          last_seen: new Date(tsOf(15)).toISOString(),
        },
        {
          host: WEB2,
          url: `/api/hosts/${WEB2}/`,
          files_url: `/api/hosts/${WEB2}/files`,
          logs_url: `/api/hosts/${WEB2}/logs`,
          last_seen: new Date(tsOf(13)).toISOString(),
        },
      ]);
    });

    it("counts the hosts in the engine when Redis is unreachable", async () => {
      const broken = new Redis("redis://127.0.0.1:1", {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      broken.on("error", () => undefined);
      const logged: string[] = [];
      const sources: HostSources = {
        engine: engine(),
        redis: () => broken,
        redisPrefix: env.REDIS_PREFIX,
        log: (l) => logged.push(l),
      };
      const indexes = [
        { name: a.name, hostTracked: true },
        { name: b.name, hostTracked: true },
      ];
      const hosts = await listHosts(sources, indexes);
      expect(hosts.map((h) => [h.host, h.last_seen])).toEqual([
        [DB1, new Date(tsOf(SEEDS.length - 1)).toISOString()],
        [WEB1, new Date(tsOf(15)).toISOString()],
        [WEB2, new Date(tsOf(13)).toISOString()],
      ]);
      expect(logged.join("\n")).toContain("Redis unavailable");
      expect(await hostExists(sources, indexes, WEB2)).toBe(true);
      expect(await hostExists(sources, indexes, `nobody-${suffix}`)).toBe(false);
    });
  });

  describe("GET /api/hosts/<host>/ and /files", () => {
    const files = (indexA: string, indexB: string): Omit<HostFile, "last_seen">[] => [
      { filename: APP, kind: "file", index: indexA, lines: 3 },
      { filename: NGINX, kind: "file", index: indexA, lines: 5 },
      { filename: "billing", kind: "logger", index: indexA, lines: 4 },
      { filename: "jobs", kind: "logger", index: indexB, lines: 2 },
    ];
    const withoutTimes = (list: HostFile[]) => list.map(({ last_seen: _t, ...rest }) => rest);

    it("gives a host's files: its `file` values, and the loggers of its lines without one, with counts", async () => {
      const { status, body } = await call<HostFile[]>(filesGET, `/api/hosts/${WEB1}/files`, { host: WEB1 });
      expect(status).toBe(200);
      expect(withoutTimes(body.data)).toEqual(files(a.name, b.name));
      expect(body.data.find((f) => f.filename === NGINX)?.last_seen).toBe(new Date(tsOf(4)).toISOString());
      expect(body.data.find((f) => f.filename === "jobs")?.last_seen).toBe(new Date(tsOf(15)).toISOString());
    });

    it("counts over the last 24 hours unless from/to say otherwise", async () => {
      const { body } = await call<HostFile[]>(filesGET, `/api/hosts/${WEB1}/files?from=now-3d`, {
        host: WEB1,
      });
      expect(body.data.map((f) => f.filename)).toEqual([APP, NGINX, OLD, "billing", "jobs"]);
      const early = await call<HostFile[]>(
        filesGET,
        `/api/hosts/${WEB1}/files?from=${tsOf(0)}&to=${tsOf(6)}`,
        { host: WEB1 },
      );
      expect(withoutTimes(early.body.data)).toEqual([
        { filename: APP, kind: "file", index: a.name, lines: 2 },
        { filename: NGINX, kind: "file", index: a.name, lines: 5 },
      ]);
    });

    it("describes one host with its links and files", async () => {
      const { status, body } = await call<HostDetail>(hostGET, `/api/hosts/${WEB1}/`, { host: WEB1 });
      expect(status).toBe(200);
      expect(body.data.host).toBe(WEB1);
      expect(body.data.url).toBe(`/api/hosts/${WEB1}/`);
      expect(body.data.files_url).toBe(`/api/hosts/${WEB1}/files`);
      expect(body.data.logs_url).toBe(`/api/hosts/${WEB1}/logs`);
      expect(withoutTimes(body.data.files)).toEqual(files(a.name, b.name));
    });

    it("answers a known host with no lines in the window with no files rather than 404", async () => {
      const { status, body } = await call<HostFile[]>(
        filesGET,
        `/api/hosts/${WEB2}/files?from=${NOW - 3 * 24 * 60 * MIN}&to=${NOW - 2 * 24 * 60 * MIN}`,
        { host: WEB2 },
      );
      expect(status).toBe(200);
      expect(body.data).toEqual([]);
    });
  });

  describe("GET /api/hosts/<host>/logs", () => {
    it("returns the host's lines across readable indexes, newest first, 100 by default", async () => {
      const { status, body } = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs`, { host: WEB1 });
      expect(status).toBe(200);
      expect(shape(body.data)).toEqual(expectedLines((s) => s.host === WEB1));
      expect(body.data.every((l) => /^\d+$/.test(l.id))).toBe(true);
    });

    it("cuts to count after merging the indexes", async () => {
      const { body } = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs?count=3`, { host: WEB1 });
      expect(shape(body.data)).toEqual(expectedLines((s) => s.host === WEB1).slice(0, 3));
      expect(body.data.map((l) => l.index)).toEqual([b.name, b.name, a.name]);
    });

    it("keeps to one file, or to a logger's lines without a file", async () => {
      const nginx = await call<HostLogLine[]>(
        logsGET,
        `/api/hosts/${WEB1}/logs?file=${encodeURIComponent(NGINX)}`,
        { host: WEB1 },
      );
      expect(shape(nginx.body.data)).toEqual(expectedLines((s) => s.host === WEB1 && s.file === NGINX));
      const billing = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs?file=billing`, {
        host: WEB1,
      });
      expect(shape(billing.body.data)).toEqual(
        expectedLines((s) => s.host === WEB1 && s.logger === "billing"),
      );
      // `app` is the logger of the lines of app.log: they have a file, so they are not the source `app`.
      const app = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs?file=app`, { host: WEB1 });
      expect(app.status).toBe(200);
      expect(app.body.data).toEqual([]);
    });

    it("applies a grep query as filter, which narrows the host and never widens it", async () => {
      const five = await call<HostLogLine[]>(
        logsGET,
        `/api/hosts/${WEB1}/logs?filter=${encodeURIComponent("status=500")}`,
        { host: WEB1 },
      );
      expect(five.body.data.map((l) => l.logline)).toEqual(["GET /item/3 status=500"]);
      const level = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs?filter=level:warn`, {
        host: WEB1,
      });
      expect(level.body.data.map((l) => l.logline)).toEqual(["job 1 done", "job 0 done"]);
      const other = await call<HostLogLine[]>(
        logsGET,
        `/api/hosts/${WEB1}/logs?filter=${encodeURIComponent(`host:${WEB2}`)}`,
        { host: WEB1 },
      );
      expect(other.status).toBe(200);
      expect(other.body.data).toEqual([]);
    });

    it("takes the query language's structure and regular expressions as filter", async () => {
      const lines = async (filter: string) =>
        (
          await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs?filter=${encodeURIComponent(filter)}`, {
            host: WEB1,
          })
        ).body.data.map((l) => l.logline);
      expect(await lines("(level:warn OR level:error) -job")).toEqual(["GET /item/3 status=500"]);
      expect(await lines("level:>=warn")).toEqual(["job 1 done", "job 0 done", "GET /item/3 status=500"]);
      expect(await lines("/^job [01] done$/")).toEqual(["job 1 done", "job 0 done"]);
      expect(await lines("(job | status=500) -/^job 1/")).toEqual(["job 0 done", "GET /item/3 status=500"]);
    });

    it("refuses a bad count, time or query with the API's error shape", async () => {
      for (const q of [
        "count=0",
        "count=1001",
        "count=many",
        "count=2.5",
        "from=yesterday",
        "filter=%22open",
      ]) {
        const { status, body } = await call<unknown>(logsGET, `/api/hosts/${WEB1}/logs?${q}`, { host: WEB1 });
        expect(status, q).toBe(400);
        expect(body.error.code, q).toBe("bad_request");
        expect(body.error.message, q).toMatch(/count|from|query/);
      }
    });
  });

  describe("who sees what", () => {
    it("shows a viewer only the hosts and lines of the indexes they were given", async () => {
      const viewer = await createTestUser("viewer", [a.name]);
      const as = { cookie: viewer.cookie };
      const hosts = await call<HostSummary[]>(hostsGET, "/api/hosts", {}, as);
      expect(hosts.status).toBe(200);
      expect(hosts.body.data.filter((h) => h.host.endsWith(suffix)).map((h) => h.host)).toEqual([WEB1, WEB2]);
      const logs = await call<HostLogLine[]>(logsGET, `/api/hosts/${WEB1}/logs`, { host: WEB1 }, as);
      expect(shape(logs.body.data)).toEqual(expectedLines((s) => s.host === WEB1 && s.index === "a"));
      const files = await call<HostFile[]>(filesGET, `/api/hosts/${WEB1}/files`, { host: WEB1 }, as);
      expect(files.body.data.map((f) => f.filename)).toEqual([APP, NGINX, "billing"]);
      const hidden = await call<HostDetail>(hostGET, `/api/hosts/${DB1}/`, { host: DB1 }, as);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe("not_found");
    });

    it("refuses anonymous callers on every /hosts route", async () => {
      const routes: [RouteHandler, string, Record<string, string>][] = [
        [hostsGET, "/api/hosts/", {}],
        [hostGET, `/api/hosts/${WEB1}/`, { host: WEB1 }],
        [filesGET, `/api/hosts/${WEB1}/files`, { host: WEB1 }],
        [logsGET, `/api/hosts/${WEB1}/logs`, { host: WEB1 }],
      ];
      for (const [handler, path, params] of routes) {
        const { status, body } = await call<unknown>(handler, path, params, "anonymous");
        expect(status, path).toBe(401);
        expect(body.error.code, path).toBe("unauthorized");
      }
    });

    it("answers 404 for a host no readable index knows, on every host route", async () => {
      const nobody = `nobody-${suffix}`;
      for (const [handler, path] of [
        [hostGET, `/api/hosts/${nobody}/`],
        [filesGET, `/api/hosts/${nobody}/files`],
        [logsGET, `/api/hosts/${nobody}/logs`],
      ] as const) {
        const { status, body } = await call<unknown>(handler, path, { host: nobody });
        expect(status, path).toBe(404);
        expect(body.error).toEqual({
          code: "not_found",
          message: `no host named ${JSON.stringify(nobody)} in the indexes you can read`,
        });
      }
    });
  });
});
