/**
 * Record i in one of the three formats apps send (Python logcollect, winston JSON, pino JSON), 300 ms apart from
 * `base`: the corpus the pipeline test indexes and the live matcher's test compares the engine against.
 */
import type { Outgoing } from "./helpers";

export function threeFormatRecord(i: number, base: number, index: string): Outgoing {
  const t = base + i * 300;
  const routingKey = `logstash.${index}`;
  switch (i % 3) {
    case 0: // Python logcollect: local wall-clock time with a misleading Z (collector told the zone is UTC)
      return {
        routingKey: `${routingKey}.myapp.views`,
        body: {
          "@timestamp": new Date(t).toISOString().replace("Z", "000Z"),
          "@version": "1",
          message: `GET /api/orders/${i} status=200 from web-0${i % 5}.prod.local`,
          host: `web-0${i % 5}`,
          tags: ["production1", "web"],
          type: "logcollect",
          seq: i,
          levelname: i % 50 === 0 ? "ERROR" : "INFO",
          logger: "myapp.views",
          project: "shop",
          application: "orders",
          n: i,
        },
      };
    case 1: // winston JSON
      return {
        routingKey,
        body: {
          level: "warn",
          message: `payment retry ${i} for user bob`,
          timestamp: new Date(t).toISOString(),
          user: "bob",
          n: i,
          service: "billing",
        },
        options: { messageId: `winston-${i}` },
      };
    default: // pino JSON
      return {
        routingKey,
        body: {
          level: 30,
          time: t,
          msg: `cache miss key=item:${i}`,
          hostname: "cache-1",
          pid: 4242,
          name: "cache",
          n: i,
          reqId: `req-${i}`,
        },
      };
  }
}
