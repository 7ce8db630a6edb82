/**
 * Record ids on the real pipeline: producers that reuse each other's message ids keep all their records, and a
 * message that comes again is stored once (lib/records/record-id.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/grep/[logger]/route";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import {
  collectorEnv,
  createTestIndex,
  dropTestIndex,
  engineCount,
  publish,
  uniqueName,
  waitFor,
  withReadToken,
  type Outgoing,
} from "./helpers";

const PER_PRODUCER = 50;

/** The messages of the records a search finds, read as the reader's API returns them. */
async function messagesMatching(index: string, q: string): Promise<string[]> {
  const url = new URL(`http://alco.test/api/grep/${index}`);
  url.searchParams.set("q", q);
  url.searchParams.set("limit", "1000");
  const res = await GET(new Request(url, await withReadToken()), {
    params: Promise.resolve({ logger: index }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as GrepResult).records.map((r) => r.message);
}

/** One producer's messages, its message ids a counter from 1 as each app would count. */
function producerMessages(routingKey: string, app: string): Outgoing[] {
  const base = Date.now() - 60_000;
  return Array.from({ length: PER_PRODUCER }, (_, i) => ({
    routingKey,
    body: { message: `${app} record ${i + 1}`, timestamp: new Date(base + i).toISOString() },
    options: { messageId: String(i + 1) },
  }));
}

/** An index bound under two routing keys, one per producer. */
async function twoProducerIndex() {
  const name = uniqueName();
  const index = await createTestIndex({ name, routingKeys: [`billing.${name}`, `orders.${name}`] });
  return {
    index,
    billing: producerMessages(`billing.${name}`, "billing"),
    orders: producerMessages(`orders.${name}`, "orders"),
  };
}

describe("record ids", () => {
  let collector: Collector;

  beforeAll(async () => {
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
  });

  afterAll(async () => {
    await collector.stop();
  });

  it("stores every record of two producers that publish the same message ids under their own routing keys", async () => {
    const { index, billing, orders } = await twoProducerIndex();
    try {
      await publish([...billing, ...orders]);
      await waitFor(
        "both producers' records",
        async () => (await engineCount(index.name)) >= 2 * PER_PRODUCER,
      );
      expect(await engineCount(index.name)).toBe(2 * PER_PRODUCER);
      expect((await messagesMatching(index.name, "billing")).sort()).toEqual(
        billing.map((m) => (m.body as { message: string }).message).sort(),
      );
      expect((await messagesMatching(index.name, "orders")).sort()).toEqual(
        orders.map((m) => (m.body as { message: string }).message).sort(),
      );
    } finally {
      await dropTestIndex(index);
    }
  });

  it("stores a message that comes again under the same routing key and message id once", async () => {
    const { index, billing, orders } = await twoProducerIndex();
    try {
      await publish([...billing, ...orders]);
      await waitFor("first delivery", async () => (await engineCount(index.name)) >= 2 * PER_PRODUCER);
      // The same messages again, with a new one behind them in the same queue: batches are written in queue order,
      // so once the new one is searchable the repeated ones have been written too.
      const marker = "marker behind the second delivery";
      await publish([
        ...billing,
        ...orders,
        { routingKey: billing[0]!.routingKey, body: { message: marker }, options: { messageId: "marker" } },
      ]);
      await waitFor("the marker", async () => (await messagesMatching(index.name, "marker")).length > 0);
      expect(await engineCount(index.name)).toBe(2 * PER_PRODUCER + 1);
    } finally {
      await dropTestIndex(index);
    }
  });
});
