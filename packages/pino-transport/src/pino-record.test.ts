import { describe, expect, it } from "vitest";
import { pinoRecord, recordTime } from "./pino-record";

describe("pinoRecord", () => {
  const line = { level: 30, time: 1_760_000_000_123, pid: 7, hostname: "web-1", msg: "hello", reqId: "r1" };

  it("keeps every field of a pino line and adds the logger when the line has none", () => {
    expect(pinoRecord(line, "billing")).toEqual({ ...line, logger: "billing" });
  });

  it("keeps a logger the line already has", () => {
    expect(pinoRecord({ ...line, logger: "payments.worker" }, "billing").logger).toBe("payments.worker");
  });

  it("keeps a line that is not a JSON object as the message", () => {
    expect(pinoRecord("plain text", "billing", 5)).toEqual({ msg: "plain text", time: 5, logger: "billing" });
  });

  it("takes the AMQP timestamp from the line's time", () => {
    expect(recordTime(line, 1)).toBe(1_760_000_000_123);
    expect(recordTime({ msg: "no time" }, 1)).toBe(1);
  });
});
