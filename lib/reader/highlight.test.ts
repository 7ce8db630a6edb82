import { describe, expect, it } from "vitest";
import { previewOf, splitHighlights, styledSegments } from "./highlight";

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

describe("styledSegments", () => {
  const ESC = "\u001b";

  it("leaves out the colour sequences and gives each run its classes", () => {
    expect(styledSegments(`${ESC}[1;31mERROR${ESC}[0m disk ${ESC}[32mok`, [])).toEqual([
      { text: "ERROR", match: false, className: "ansi-fg-1 ansi-bold" },
      { text: " disk ", match: false, className: "" },
      { text: "ok", match: false, className: "ansi-fg-2" },
    ]);
  });

  it("splits runs at highlight offsets into the message as stored, sequences counted", () => {
    const text = `${ESC}[31mERROR${ESC}[0m disk full`;
    // The engine marks `ERROR … disk` as one span across the sequence between them.
    const start = text.indexOf("ERROR");
    const end = text.indexOf(" full");
    expect(styledSegments(text, [[start, end]])).toEqual([
      { text: "ERROR", match: true, className: "ansi-fg-1" },
      { text: " disk", match: true, className: "" },
      { text: " full", match: false, className: "" },
    ]);
  });

  it("keeps markup inside a coloured run as text", () => {
    const segs = styledSegments(`${ESC}[35m<img src=x onerror=alert(1)>${ESC}[0m`, []);
    expect(segs).toEqual([{ text: "<img src=x onerror=alert(1)>", match: false, className: "ansi-fg-5" }]);
  });

  it("hides a sequence cut short at the end of a preview, and a lone ESC", () => {
    expect(styledSegments(`a${ESC}b ${ESC}[3`, []).map((s) => s.text)).toEqual(["a", "b "]);
  });

  it("is one plain segment per highlight piece for a text without colours", () => {
    expect(styledSegments("GET 500", [[4, 7]])).toEqual([
      { text: "GET ", match: false, className: "" },
      { text: "500", match: true, className: "" },
    ]);
  });
});
