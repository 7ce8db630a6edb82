import { describe, expect, it } from "vitest";
import type { LogRecord } from "@/lib/query/wire";
import { SSE_KEEPALIVE, sseEvent, sseRecords } from "./sse-format";
import { SseParser } from "./sse-parser";

const record: LogRecord = {
  id: "42",
  ts: 1_795_000_000_123,
  seq: "0",
  time: "2026-11-18T09:46:40.123Z",
  message: "first line\nsecond line\r\nthird: with colon",
  level: "error",
  logger: "shop",
  host: "web-01",
  fields: { note: "a\u2028b" },
  highlights: [],
};

describe("SSE events", () => {
  it("writes records with the last record's cursor as id, data on one line", () => {
    const text = sseRecords([record], "1795000000123_42");
    expect(text.split("\n").slice(0, 2)).toEqual(["event: records", "id: 1795000000123_42"]);
    expect(text.endsWith("\n\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(5);
  });

  it("writes sampled and ready without ids, and keepalive as a comment", () => {
    expect(sseEvent("sampled", { dropped: 7 })).toBe('event: sampled\ndata: {"dropped":7}\n\n');
    expect(sseEvent("ready", {})).toBe("event: ready\ndata: {}\n\n");
    expect(SSE_KEEPALIVE).toBe(": keepalive\n\n");
  });

  it("reads back what it writes, across arbitrary chunk boundaries", () => {
    const wire =
      sseEvent("ready", {}) +
      SSE_KEEPALIVE +
      sseRecords([record], "1795000000123_42") +
      sseEvent("sampled", { dropped: 3 });
    for (const size of [1, 3, 17, wire.length]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < wire.length; i += size) events.push(...parser.events(wire.slice(i, i + size)));
      expect(events.map((e) => e.event)).toEqual(["ready", "records", "sampled"]);
      expect(events[1]!.id).toBe("1795000000123_42");
      expect((JSON.parse(events[1]!.data) as { records: LogRecord[] }).records).toEqual([record]);
      expect(JSON.parse(events[2]!.data)).toEqual({ dropped: 3 });
    }
  });
});
