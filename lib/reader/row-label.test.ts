import { describe, expect, it } from "vitest";
import { rowLabel } from "./row-label";

describe("row label", () => {
  it("reads time, level and message", () => {
    expect(rowLabel("12:00:01.250", "error", "payment failed for order 650")).toBe(
      "12:00:01.250 error payment failed for order 650",
    );
  });
  it("leaves out a missing level", () => {
    expect(rowLabel("12:00:01.250", "", "started")).toBe("12:00:01.250 started");
  });
  it("puts a multi-line message on one line", () => {
    expect(rowLabel("t", "error", 'unhandled error\nTraceback:\n  File "app.py"\r\n\tline 3')).toBe(
      't error unhandled error Traceback: File "app.py" line 3',
    );
  });
  it("leaves colour sequences out", () => {
    expect(rowLabel("t", "info", "\u001b[1;31mred\u001b[0m and \u001b[32mgreen\u001b[m")).toBe(
      "t info red and green",
    );
  });
  it("cuts a long message and says so", () => {
    const label = rowLabel("t", "info", "x".repeat(1_000_000), 10);
    expect(label).toBe(`t info ${"x".repeat(10)}…`);
  });
  it("counts the text read out, not the colour sequences", () => {
    const colourful = "\u001b[31m".repeat(10) + "short";
    expect(rowLabel("t", "info", colourful, 10)).toBe("t info short");
  });
  it("keeps a message exactly at the limit whole", () => {
    expect(rowLabel("t", "info", "abcdefghij", 10)).toBe("t info abcdefghij");
  });
});
