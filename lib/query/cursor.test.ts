import { describe, expect, it } from "vitest";
import { comparePositions, cursorOf, decodeCursor, encodeCursor, isCursorShaped, timeCursor } from "./cursor";

describe("cursors", () => {
  it("read back what they write", () => {
    const c = { ts: 1_795_000_000_123, id: "9223372036854775807" };
    expect(encodeCursor(c)).toBe("1795000000123_9223372036854775807");
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    const record = { ...c, message: "a line" };
    expect(cursorOf(record)).toBe(encodeCursor(c));
    expect(timeCursor(5)).toBe("5_0");
  });

  it("refuse ids of 2^63 and more, and anything not <ts>_<id>", () => {
    expect(decodeCursor("1_9223372036854775808")).toBeNull();
    for (const s of ["", "1", "_1", "1_", "a_1", "1_1_1", " 1_1"]) expect(decodeCursor(s)).toBeNull();
    expect(isCursorShaped("99999999999999999999_1")).toBe(true);
    expect(isCursorShaped("oldest")).toBe(false);
  });

  it("order by time, then by id as a number", () => {
    expect(comparePositions({ ts: 1, id: "9" }, { ts: 2, id: "1" })).toBeLessThan(0);
    expect(comparePositions({ ts: 2, id: "9" }, { ts: 2, id: "10" })).toBeLessThan(0);
    expect(comparePositions({ ts: 2, id: "11" }, { ts: 2, id: "10" })).toBeGreaterThan(0);
    expect(comparePositions({ ts: 2, id: "10" }, { ts: 2, id: "10" })).toBe(0);
  });
});
