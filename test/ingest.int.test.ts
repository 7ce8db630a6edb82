/** HTTP ingest: NDJSON behind an ingest token, published onto the exchange and indexed by the collector. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingest } from "@/app/api/ingest/[logger]/route";
import { GET as grep } from "@/app/api/grep/[logger]/route";
import { Collector } from "@/lib/collector/collector";
import type { LoggerIndex } from "@/db/schema";
import type { GrepResult } from "@/lib/query/wire";
import {
  apiRequest,
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  waitFor,
} from "./helpers";

function post(index: string, token: string, body: string, authorization = `Bearer ${token}`) {
  return ingest(
    new Request(`http://alco.test/api/ingest/${index}`, {
      method: "POST",
      headers: { authorization, "content-type": "application/x-ndjson" },
      body,
    }),
    { params: Promise.resolve({ logger: index }) },
  );
}

describe("HTTP ingest", () => {
  let index: LoggerIndex;
  let custom: LoggerIndex;
  let collector: Collector;
  let token: string;

  beforeAll(async () => {
    index = await createTestIndex();
    custom = await createTestIndex({ routingKeys: ["apps.billing.*"] });
    token = (await createTestToken("ingest")).token;
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
  });
  afterAll(async () => {
    await collector.stop();
    await dropTestIndex(index);
    await dropTestIndex(custom);
  });

  it("accepts NDJSON records and makes them searchable through the collector", async () => {
    const lines = [
      { message: "deploy started", level: "info", host: "ci-1", sha: "abc123" },
      { msg: "deploy finished", level: "warn", host: "ci-1" },
      { message: "rollback", level: "error", host: "ci-2" },
    ];
    const res = await post(index.name, token, lines.map((l) => JSON.stringify(l)).join("\n"));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3 });
    await waitFor("ingested records", async () => (await engineCount(index.name)) === 3);
    const found = await grep(await apiRequest(`/api/grep/${index.name}?q=deploy`), {
      params: Promise.resolve({ logger: index.name }),
    });
    const body = (await found.json()) as {
      records: { message: string; host: string; fields: Record<string, unknown> }[];
    };
    // Without times of their own, both take the moment of the request: their order between them is not defined.
    expect(body.records.map((r) => r.message).sort()).toEqual(["deploy finished", "deploy started"]);
    expect(body.records.find((r) => r.message === "deploy started")!.fields).toEqual({ sha: "abc123" });
    const received = body.records.map((r) => (r as unknown as { ts: number }).ts);
    expect(Math.abs(received[0]! - Date.now())).toBeLessThan(60_000);
  });

  it("keeps the order of the bodies and of the lines in them for lines that share a second", async () => {
    const burst = await createTestIndex();
    try {
      const second = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
      const body = (from: number) =>
        Array.from({ length: 300 }, (_, i) =>
          JSON.stringify({ message: `line ${from + i}`, time: second }),
        ).join("\n");
      for (const from of [0, 300]) expect((await post(burst.name, token, body(from))).status).toBe(202);
      await waitFor("ingested records", async () => (await engineCount(burst.name)) === 600, 20_000);
      const seen: string[] = [];
      let before: string | null = null;
      do {
        const res = await grep(
          await apiRequest(`/api/grep/${burst.name}?limit=100${before ? `&before=${before}` : ""}`),
          { params: Promise.resolve({ logger: burst.name }) },
        );
        const page = (await res.json()) as GrepResult;
        seen.push(...page.records.map((r) => r.message));
        before = page.cursors.older;
      } while (before);
      expect(seen).toEqual(Array.from({ length: 600 }, (_, i) => `line ${599 - i}`));
    } finally {
      await dropTestIndex(burst);
    }
  });

  it("publishes under a routing key the index's own bindings match", async () => {
    const res = await post(custom.name, token, JSON.stringify({ message: "invoice sent" }));
    expect(res.status).toBe(202);
    await waitFor("record in the custom-bound index", async () => (await engineCount(custom.name)) === 1);
  });

  it("refuses a body with a bad line whole, naming the line, and publishes nothing", async () => {
    const before = await engineCount(index.name);
    const res = await post(index.name, token, '{"message":"fine"}\n{"message": oops}\n');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^nothing was accepted: line 2: not JSON/,
    );
    await new Promise((r) => setTimeout(r, 700));
    expect(await engineCount(index.name)).toBe(before);
  });

  it("takes the ingest token as the password of HTTP Basic, whatever the user name", async () => {
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    const before = await engineCount(index.name);
    const res = await post(
      index.name,
      "",
      JSON.stringify({ message: "via basic" }),
      basic("promtail", token),
    );
    expect(res.status).toBe(202);
    await waitFor("the record sent with Basic", async () => (await engineCount(index.name)) === before + 1);
    const wrong = await post(index.name, "", '{"message":"x"}', basic("promtail", "alco_not-a-token"));
    expect(wrong.status).toBe(401);
    const read = (await createTestToken("read")).token;
    expect((await post(index.name, "", '{"message":"x"}', basic("promtail", read))).status).toBe(403);
  });

  it("needs a token with the ingest scope", async () => {
    const read = (await createTestToken("read")).token;
    expect((await post(index.name, read, '{"message":"x"}')).status).toBe(403);
  });
});
