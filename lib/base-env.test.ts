import { describe, expect, it } from "vitest";
import { z } from "zod";
import { baseEnvSchema, LOCAL_SERVICE_URLS, parseEnv } from "./base-env";
import { parseCollectorEnv } from "./collector/env";
import { parseSearchdEnv } from "./engine/searchd-env";
import { parseWebEnv } from "./web-env";

const services = {
  DATABASE_URL: "postgres://db.internal/alco",
  SEARCHD_URL: "engine:9306",
  REDIS_URL: "redis://cache.internal",
  AMQP_URL: "amqp://mq.internal",
};

describe("parseEnv", () => {
  it("gives the local services' addresses outside production", () => {
    for (const NODE_ENV of [undefined, "development", "test"]) {
      expect(parseCollectorEnv({ NODE_ENV })).toMatchObject(LOCAL_SERVICE_URLS);
    }
  });

  it("in production, names every service URL that is missing or empty, in one error", () => {
    const collector = () =>
      parseCollectorEnv({ NODE_ENV: "production", ...services, REDIS_URL: "", AMQP_URL: undefined });
    expect(collector).toThrow("collector: set REDIS_URL, AMQP_URL: under NODE_ENV=production");
  });

  it("in production, asks only for the services the runtime uses", () => {
    expect(parseSearchdEnv({ NODE_ENV: "production", DATABASE_URL: services.DATABASE_URL })).toMatchObject({
      DATABASE_URL: services.DATABASE_URL,
    });
    expect(() => parseSearchdEnv({ NODE_ENV: "production" })).toThrow(/^searchd: set DATABASE_URL:/);
  });

  it("takes the URLs given in production", () => {
    expect(parseWebEnv({ NODE_ENV: "production", ...services })).toMatchObject(services);
  });

  it("lets the caller waive the URLs, as the build does", () => {
    expect(parseWebEnv({ NODE_ENV: "production" }, { requireServiceUrls: false })).toMatchObject(
      LOCAL_SERVICE_URLS,
    );
  });

  it("declares the logs exchange durable unless AMQP_EXCHANGE_DURABLE says otherwise", () => {
    expect(parseCollectorEnv({}).AMQP_EXCHANGE_DURABLE).toBe(true);
    for (const off of ["false", "0", "no", "off"])
      expect(parseWebEnv({ AMQP_EXCHANGE_DURABLE: off }).AMQP_EXCHANGE_DURABLE).toBe(false);
    expect(() => parseCollectorEnv({ AMQP_EXCHANGE_DURABLE: "maybe" })).toThrow(/AMQP_EXCHANGE_DURABLE: /);
  });

  it("names each invalid variable", () => {
    const schema = baseEnvSchema.pick({ NODE_ENV: true }).extend({ N: z.coerce.number().int() });
    expect(() => parseEnv("x", schema, { N: "many" })).toThrow(/^x: invalid environment: N: /);
    expect(() => parseWebEnv({ TRUSTED_PROXIES: "nope" })).toThrow(/TRUSTED_PROXIES: .*"nope"/);
  });
});
