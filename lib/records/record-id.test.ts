import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { recordId } from "@/lib/records/record-id";

const MAX_ID = (1n << 63n) - 1n;
const body = Buffer.from('{"message":"hello","seq":5}');

describe("recordId", () => {
  it("gives a redelivered message the same id", () => {
    const a = recordId({ messageId: "m-1", routingKey: "logstash.app", body });
    const b = recordId({ messageId: "m-1", routingKey: "logstash.app", body: Buffer.from(body) });
    expect(a).toBe(b);
  });

  it("keeps records of two producers that reuse a message id apart", () => {
    expect(recordId({ messageId: "1", routingKey: "logstash.shop.billing", body })).not.toBe(
      recordId({ messageId: "1", routingKey: "logstash.shop.orders", body }),
    );
  });

  it("does not confuse a routing key boundary with the message id", () => {
    expect(recordId({ messageId: "bc", routingKey: "a", body })).not.toBe(
      recordId({ messageId: "c", routingKey: "ab", body }),
    );
  });

  it("gives the same body without a message id the same id", () => {
    expect(recordId({ routingKey: "logstash.app", body })).toBe(
      recordId({ routingKey: "logstash.app", body: Buffer.from(body) }),
    );
  });

  it("gives messages with different message ids different ids", () => {
    expect(recordId({ messageId: "m-1", routingKey: "logstash.app", body })).not.toBe(
      recordId({ messageId: "m-2", routingKey: "logstash.app", body }),
    );
  });

  it("keeps two identical lines apart when their message ids differ", () => {
    const ids = new Set(
      ["a", "b", "c"].map((messageId) => recordId({ messageId, routingKey: "logstash.app", body })),
    );
    expect(ids.size).toBe(3);
  });

  it("keeps identical bodies on different routing keys apart", () => {
    expect(recordId({ routingKey: "logstash.billing", body })).not.toBe(
      recordId({ routingKey: "logstash.api", body }),
    );
  });

  it("gives different bodies on one routing key different ids", () => {
    expect(recordId({ routingKey: "logstash.app", body: Buffer.from('{"message":"a"}') })).not.toBe(
      recordId({ routingKey: "logstash.app", body: Buffer.from('{"message":"b"}') }),
    );
  });

  it("does not confuse a routing key boundary with the body", () => {
    expect(recordId({ routingKey: "a", body: Buffer.from("bc") })).not.toBe(
      recordId({ routingKey: "ab", body: Buffer.from("c") }),
    );
  });

  it("makes ids decimal strings between 1 and 2^63-1", () => {
    fc.assert(
      fc.property(
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        fc.string(),
        fc.uint8Array(),
        (messageId, routingKey, bytes) => {
          const id = recordId({ messageId, routingKey, body: Buffer.from(bytes) });
          expect(id).toMatch(/^[1-9]\d{0,18}$/);
          const n = BigInt(id);
          expect(n >= 1n && n <= MAX_ID).toBe(true);
        },
      ),
    );
  });
});
