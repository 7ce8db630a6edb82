import { describe, expect, it } from "vitest";
import { SEQ_HEADER as PUBLISHER_SEQ_HEADER } from "@alco/amqp-publisher";
import { comparePositions } from "@/lib/query/cursor";
import {
  arrivalClock,
  arrivalSeq,
  bodyLineSeq,
  fileLineSeq,
  logcollectSeq,
  SEQ_HEADER,
  seqFromHeader,
} from "./record-seq";

const order = (seqs: string[]) =>
  [...seqs].sort((a, b) => comparePositions({ ts: 1, seq: a, id: "1" }, { ts: 1, seq: b, id: "1" }));

describe("record seq", () => {
  it("reads the header our publisher writes", () => {
    expect(SEQ_HEADER).toBe(PUBLISHER_SEQ_HEADER);
    expect(seqFromHeader("42")).toBe("42");
    expect(seqFromHeader(42)).toBe("42");
    expect(seqFromHeader(Buffer.from("7"))).toBe("7");
    expect(seqFromHeader("9223372036854775807")).toBe("9223372036854775807");
  });

  it.each([["9223372036854775808"], ["-1"], ["01"], ["1.5"], [""], [-1], [1.5], [null], [{}], ["1 OR 1"]])(
    "ignores a header that is no seq (%j)",
    (v) => expect(seqFromHeader(v)).toBeUndefined(),
  );

  it("orders a file's lines by offset, and a rotated file's successor after it", () => {
    const lines = [fileLineSeq(3, 0), fileLineSeq(2, 5_000_000), fileLineSeq(2, 10), fileLineSeq(3, 99)];
    expect(order(lines)).toEqual([
      fileLineSeq(2, 10),
      fileLineSeq(2, 5_000_000),
      fileLineSeq(3, 0),
      lines[3],
    ]);
    expect(BigInt(fileLineSeq(2 ** 23 - 1, 2 ** 40 - 1))).toBeLessThan(1n << 63n);
  });

  it("orders ingest bodies by arrival and lines by their place in the body", () => {
    const seqs = [bodyLineSeq(1001, 0), bodyLineSeq(1000, 49_999), bodyLineSeq(1000, 1)];
    expect(order(seqs)).toEqual([seqs[2], seqs[1], seqs[0]]);
    // Room for millisecond times until the year 2100 and beyond.
    expect(BigInt(bodyLineSeq(Date.UTC(2100, 0, 1), 65_535))).toBeLessThan(1n << 63n);
  });

  it("orders logcollect records by microsecond, then by their own seq", () => {
    const seqs = [logcollectSeq(500, 0), logcollectSeq(499, 7), logcollectSeq(499, 2)];
    expect(order(seqs)).toEqual([seqs[2], seqs[1], seqs[0]]);
  });

  it("orders other producers by nanosecond, then by arrival", () => {
    const ts = 1_795_000_000_000;
    const at = (ms: number) => (ts + ms) * 1000;
    const seqs = [arrivalSeq(999_999, ts, at(0)), arrivalSeq(1, ts, at(5)), arrivalSeq(1, ts, at(4))];
    expect(order(seqs)).toEqual([seqs[2], seqs[1], seqs[0]]);
    // Arrival before its own time (a clock ahead) and 50 days late are both bounded, within 63 bits.
    expect(arrivalSeq(0, ts, at(-5))).toBe("0");
    expect(BigInt(arrivalSeq(999_999, ts, at(60 * 86_400_000)))).toBeLessThan(1n << 63n);
  });

  it("keeps arrival order across collector restarts: its clock is the wall clock, never going back", () => {
    let wall = 1_795_000_000_000.0004;
    const first = arrivalClock(() => wall);
    const a = first();
    const b = first();
    expect(b).toBe(a + 1);
    // A restarted process, a millisecond later by the wall clock: after everything its predecessor gave.
    wall += 1;
    const restarted = arrivalClock(() => wall);
    expect(restarted()).toBeGreaterThan(b);
  });
});
