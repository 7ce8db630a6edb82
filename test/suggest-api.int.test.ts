/**
 * The query box's suggestions against the real services: records go through the collector into the engine and
 * the tracked values into Redis, and the route handler reads both, as the facets do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { GET as suggestGET } from "@/app/api/grep/[logger]/suggest/route";
import { Collector } from "@/lib/collector/collector";
import { valuesKey } from "@/lib/collector/field-values";
import { registerColumns, setColumnFlags } from "@/lib/indexes/logger-indexes";
import type { FacetValue } from "@/lib/query/wire";
import type { LoggerIndex } from "@/db/schema";
import {
  callRoute,
  collectorEnv,
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type As,
  type Outgoing,
} from "./helpers";

const MIN = 60_000;
/** 60 records, one every 10 s from T0 (two hours ago); one more an hour before, outside `range`. */
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN;
const N = 60;
const range = { from: String(T0), to: String(T0 + 10 * MIN - 1) };

/** logger: checkout 30, billing api 20, cart 10; region: us-east 30, eu-west 25, eu-north 5. */
function seedRecord(index: string, i: number): Outgoing {
  return {
    routingKey: `app.${index}`,
    body: {
      timestamp: new Date(T0 + i * 10_000).toISOString(),
      message: `request ${i}`,
      level: i % 4 === 0 ? "error" : "info",
      host: `web-${i % 2}`,
      logger: i < 30 ? "checkout" : i < 50 ? "billing api" : "cart",
      region: i % 2 === 0 ? "us-east" : i % 12 === 1 ? "eu-north" : "eu-west",
      // One value as the filter `status:500` finds both: the number and the digits as a string.
      status: i % 6 === 0 ? 500 : i % 6 === 3 ? "500" : 200,
      "@tag": "t",
      team: "blue",
    },
    options: { messageId: `seed-${i}` },
  };
}

const outside = (index: string): Outgoing => ({
  routingKey: `app.${index}`,
  body: {
    timestamp: new Date(T0 - 3_600_000).toISOString(),
    message: "elsewhere",
    level: "warn",
    host: "web-9",
    logger: "checkout",
    region: "ap-south",
  },
  options: { messageId: "outside" },
});

type FieldsBody = { fields: string[] };
type ValuesBody = { field: string; values: FacetValue[] };

describe("GET /api/grep/<logger>/suggest", () => {
  const env = collectorEnv();
  let collector: Collector;
  let index: LoggerIndex;

  const suggest = <T>(query: Record<string, string>, as?: As, logger = index.name) =>
    callRoute<T>(suggestGET, `/api/grep/${logger}/suggest?${new URLSearchParams(query)}`, {
      params: { logger },
      as,
    });
  const values = async (query: Record<string, string>) => {
    const res = await suggest<ValuesBody>(query);
    expect(res.status, res.text).toBe(200);
    return res.body.values;
  };

  beforeAll(async () => {
    index = await createTestIndex();
    await registerColumns(db(), index.name, ["region", "status", "@tag", "team"]);
    await setColumnFlags(db(), index.name, ["region", "status", "@tag"], { filtered: true });
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    await publish([...Array.from({ length: N }, (_, i) => seedRecord(index.name, i)), outside(index.name)]);
    await waitFor("records stored", async () => (await engineCount(index.name)) === N + 1);
    const redis = new Redis(env.REDIS_URL);
    try {
      await waitFor(
        "tracked values saved",
        async () => (await redis.zcard(valuesKey(env.REDIS_PREFIX, index.name, "region"))) === 4,
      );
    } finally {
      redis.disconnect();
    }
    // Filtered only now: the engine has its values, Redis tracks none of them.
    await setColumnFlags(db(), index.name, ["team"], { filtered: true });
  });

  afterAll(async () => {
    await collector?.stop();
    if (index) await dropTestIndex(index);
  });

  it("names the filtered fields a query can write, in facet order, by prefix in any case", async () => {
    const all = await suggest<FieldsBody>({});
    expect(all.status).toBe(200);
    // `@tag` is filtered, but `@tag:t` is not a field term: the box must not offer it.
    expect(all.body.fields).toEqual(["level", "logger", "host", "region", "status", "team"]);
    expect((await suggest<FieldsBody>({ prefix: "l" })).body.fields).toEqual(["level", "logger"]);
    expect((await suggest<FieldsBody>({ prefix: "LOG" })).body.fields).toEqual(["logger"]);
    expect((await suggest<FieldsBody>({ prefix: "re", field: "" })).body.fields).toEqual(["region"]);
    expect((await suggest<FieldsBody>({ prefix: "", limit: "2" })).body.fields).toEqual(["level", "logger"]);
    expect((await suggest<FieldsBody>({ prefix: "nosuch" })).body.fields).toEqual([]);
  });

  it("gives a field's tracked values by prefix, most frequent in the range first, counted", async () => {
    expect(await values({ ...range, field: "logger" })).toEqual([
      { value: "checkout", count: 30 },
      { value: "billing api", count: 20 },
      { value: "cart", count: 10 },
    ]);
    expect(await values({ ...range, field: "logger", prefix: "C" })).toEqual([
      { value: "checkout", count: 30 },
      { value: "cart", count: 10 },
    ]);
    expect(await values({ ...range, field: "logger", prefix: "bill" })).toEqual([
      { value: "billing api", count: 20 },
    ]);
    expect(await values({ ...range, field: "logger", prefix: "c", limit: "1" })).toEqual([
      { value: "checkout", count: 30 },
    ]);
    expect(await values({ ...range, field: "level" })).toEqual([
      { value: "info", count: 45 },
      { value: "error", count: 15 },
      { value: "warn", count: 0 },
    ]);
  });

  it("keeps tracked values without lines in the range, last; the default range is the last 24 hours", async () => {
    expect(await values({ ...range, field: "region" })).toEqual([
      { value: "us-east", count: 30 },
      { value: "eu-west", count: 25 },
      { value: "eu-north", count: 5 },
      { value: "ap-south", count: 0 },
    ]);
    expect(await values({ ...range, field: "region", prefix: "eu-" })).toEqual([
      { value: "eu-west", count: 25 },
      { value: "eu-north", count: 5 },
    ]);
    expect(await values({ field: "region", prefix: "ap" })).toEqual([{ value: "ap-south", count: 1 }]);
  });

  it("counts a JSON field's number and its digits as a string as one value", async () => {
    expect(await values({ ...range, field: "status" })).toEqual([
      { value: "200", count: 40 },
      { value: "500", count: 20 },
    ]);
  });

  it("suggests no values for a field that Redis does not track, even where the engine has them", async () => {
    expect(await values({ ...range, field: "team" })).toEqual([]);
    expect(await values({ ...range, field: "message" })).toEqual([]);
    expect(await values({ ...range, field: "logger", prefix: "nosuch" })).toEqual([]);
  });

  it("answers bad input with a 400 that names the parameter", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ field: "1st" }, "field: a field name"],
      [{ field: "@tag" }, "field: a field name"],
      [{ field: "a-b" }, "field: a field name"],
      [{ prefix: "x".repeat(257) }, "prefix: at most 256 characters"],
      [{ limit: "0" }, "limit: at least 1"],
      [{ limit: "101" }, "limit: at most 100"],
      [{ limit: "many" }, "limit: a whole number from 1 to 100"],
      [{ from: "yesterday" }, "from: expected"],
      [{ from: "now-1h", to: "now-2h" }, "from must not be later than to"],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await suggest(query);
      expect({ query, status, code: body.error?.code }).toEqual({ query, status: 400, code: "bad_request" });
      expect(body.error!.message).toContain(message);
    }
  });

  it("answers 404 for an index that does not exist or that the caller may not read, 401 without sign-in", async () => {
    const missing = await suggest({}, undefined, "no_such_index");
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe("not_found");
    const other = await createTestUser("viewer", ["some_other_index"]);
    const hidden = await suggest({ field: "logger" }, { cookie: other.cookie });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error?.message).toBe(missing.body.error?.message.replace("no_such_index", index.name));
    expect((await suggest({}, "anonymous")).status).toBe(401);
  });
});
