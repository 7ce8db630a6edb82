import { describe, expect, it } from "vitest";
import { previewOf, splitHighlights } from "./highlight";

describe("splitHighlights", () => {
  it("splits text at the offsets into matched and plain segments", () => {
    expect(
      splitHighlights("GET /api 500 error", [
        [9, 12],
        [13, 18],
      ]),
    ).toEqual([
      { text: "GET /api ", match: false },
      { text: "500", match: true },
      { text: " ", match: false },
      { text: "error", match: true },
    ]);
  });
  it("keeps markup as text and ignores spans out of range or overlapping", () => {
    const t = "<script>alert(1)</script>";
    const segs = splitHighlights(t, [
      [8, 13],
      [10, 12],
      [50, 60],
    ]);
    expect(segs.map((s) => s.text).join("")).toBe(t);
    expect(segs.filter((s) => s.match).map((s) => s.text)).toEqual(["alert"]);
  });
});

describe("previewOf", () => {
  it("cuts a long line at the character bound", () => {
    const p = previewOf("x".repeat(1_000_000));
    expect(p).toEqual({ text: "x".repeat(2000), truncated: true });
  });
  it("cuts a stack trace after four lines", () => {
    expect(previewOf("a\nb\nc\nd\ne\nf")).toEqual({ text: "a\nb\nc\nd", truncated: true });
  });
  it("leaves a short message whole", () => {
    expect(previewOf("short")).toEqual({ text: "short", truncated: false });
  });
});
