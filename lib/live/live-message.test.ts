import { describe, expect, it } from "vitest";
import type { NormalizedRecord } from "@/lib/records/normalize-record";
import { decodeLiveMessage, encodeLiveMessages } from "./live-message";

const rec = (id: string, ts: number, message = "m"): NormalizedRecord => ({
  id,
  ts,
  seq: "0",
  message,
  level: "info",
  lvl: 6,
  logger: "app",
  host: "h",
  fields: { k: 1 },
});

describe("live messages", () => {
  it("carries a batch oldest first as LogRecords without highlights", () => {
    const [body, ...rest] = encodeLiveMessages("shop", [rec("9", 2), rec("10", 1), rec("8", 1)]);
    expect(rest).toEqual([]);
    const m = decodeLiveMessage(body!)!;
    expect(m.index).toBe("shop");
    expect(m.records.map((r) => r.id)).toEqual(["8", "10", "9"]);
    expect(m.records[0]).toEqual({
      id: "8",
      ts: 1,
      seq: "0",
      time: "1970-01-01T00:00:00.001Z",
      message: "m",
      level: "info",
      logger: "app",
      host: "h",
      fields: { k: 1 },
      highlights: [],
    });
  });

  it("cuts a large batch into messages below the size bound, order kept", () => {
    const batch = Array.from({ length: 50 }, (_, i) => rec(String(i + 1), i, "x".repeat(100)));
    const bodies = encodeLiveMessages("shop", batch, 2000);
    expect(bodies.length).toBeGreaterThan(3);
    for (const b of bodies) expect(b.length).toBeLessThanOrEqual(2000);
    const ids = bodies.flatMap((b) => decodeLiveMessage(b)!.records.map((r) => r.id));
    expect(ids).toEqual(batch.map((r) => r.id));
    expect(decodeLiveMessage(Buffer.from("nope"))).toBeNull();
  });
});
