import { describe, expect, it } from "vitest";
import {
  comparePositions,
  cursorOf,
  decodeCursor,
  encodeCursor,
  isCursorShaped,
  justAfter,
  sortByPosition,
  timeCursor,
} from "./cursor";

describe("cursors", () => {
  it("read back what they write", () => {
    const c = { ts: 1_795_000_000_123, seq: "1099511627776", id: "9223372036854775807" };
    expect(encodeCursor(c)).toBe("1795000000123_1099511627776_9223372036854775807");
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    const record = { ...c, message: "a line" };
    expect(cursorOf(record)).toBe(encodeCursor(c));
    expect(timeCursor(5)).toBe("5_0_0");
  });

  it("read a cursor minted before seq existed as seq 0, the seq of every record written then", () => {
    expect(decodeCursor("1795000000123_42")).toEqual({ ts: 1_795_000_000_123, seq: "0", id: "42" });
    expect(isCursorShaped("1795000000123_42")).toBe(true);
  });

  it("refuse keys of 2^63 and more, leading zeros, and anything not <ts>_<seq>_<id>", () => {
    expect(decodeCursor("1_9223372036854775808")).toBeNull();
    expect(decodeCursor("1_9223372036854775808_1")).toBeNull();
    expect(decodeCursor("1_9223372036854775807_1")).not.toBeNull();
    for (const s of ["", "1", "_1", "1_", "a_1", "1_1_1_1", " 1_1", "1_01_1", "1_1_01", "1__1"])
      expect(decodeCursor(s), s).toBeNull();
    expect(isCursorShaped("99999999999999999999_1_1")).toBe(true);
    expect(isCursorShaped("oldest")).toBe(false);
  });

  it("place justAfter a record after it and its ties of one seq, before the next seq", () => {
    const r = { ts: 7, seq: "5", id: "9223372036854775807" };
    const after = decodeCursor(justAfter(r))!;
    expect(comparePositions(after, r)).toBeGreaterThan(0);
    expect(comparePositions(after, { ts: 7, seq: "6", id: "1" })).toBeLessThan(0);
    const last = { ts: 7, seq: "9223372036854775807", id: "3" };
    expect(justAfter(last)).toBe("8_0_0");
  });

  it("order by time, then seq, then id, each as a number", () => {
    expect(comparePositions({ ts: 1, seq: "9", id: "9" }, { ts: 2, seq: "1", id: "1" })).toBeLessThan(0);
    expect(comparePositions({ ts: 2, seq: "9", id: "1" }, { ts: 2, seq: "10", id: "1" })).toBeLessThan(0);
    expect(comparePositions({ ts: 2, seq: "10", id: "1" }, { ts: 2, seq: "9", id: "99" })).toBeGreaterThan(0);
    expect(comparePositions({ ts: 2, seq: "0", id: "9" }, { ts: 2, seq: "0", id: "10" })).toBeLessThan(0);
    expect(comparePositions({ ts: 2, seq: "5", id: "10" }, { ts: 2, seq: "5", id: "10" })).toBe(0);
    const lines = [3, 1, 2].map((n) => ({ ts: 7, seq: String(n * 1000), id: String(9 - n) }));
    expect(sortByPosition(lines).map((l) => l.seq)).toEqual(["1000", "2000", "3000"]);
  });
});
