import { describe, expect, it } from "vitest";
import { sgrRuns } from "./sgr-style";

const classesOf = (sgr: string) => sgrRuns(`\u001b[${sgr}mx`)[0]!.className;

describe("sgrRuns", () => {
  it("maps the 8 and the bright 8 colours, foreground and background", () => {
    expect(classesOf("30")).toBe("ansi-fg-0");
    expect(classesOf("37")).toBe("ansi-fg-7");
    expect(classesOf("91")).toBe("ansi-fg-9");
    expect(classesOf("97")).toBe("ansi-fg-15");
    expect(classesOf("44")).toBe("ansi-bg-4");
    expect(classesOf("103")).toBe("ansi-bg-11");
    expect(classesOf("1;4;3;2;31;42")).toBe(
      "ansi-fg-1 ansi-bg-2 ansi-bold ansi-dim ansi-italic ansi-underline",
    );
  });

  it("turns attributes off one by one, and all of them with 0 or an empty parameter list", () => {
    const runs = sgrRuns("\u001b[1;31ma\u001b[22mb\u001b[39mc\u001b[1;32md\u001b[me\u001b[4mf\u001b[24mg");
    expect(runs.map((r) => r.className)).toEqual([
      "ansi-fg-1 ansi-bold",
      "ansi-fg-1",
      "",
      "ansi-fg-2 ansi-bold",
      "",
      "ansi-underline",
      "",
    ]);
  });

  it("shows 256-colour and 24-bit colours as the nearest of the 16, taking their parameters along", () => {
    expect(classesOf("38;5;9")).toBe("ansi-fg-9");
    expect(classesOf("38;5;196")).toBe("ansi-fg-9");
    expect(classesOf("38;5;21;1")).toBe("ansi-fg-4 ansi-bold");
    expect(classesOf("38;2;0;200;0;4")).toBe("ansi-fg-2 ansi-underline");
    expect(classesOf("48:5:232")).toBe("ansi-bg-0");
    expect(classesOf("38:2::255:255:255")).toBe("ansi-fg-15");
    expect(classesOf("38;5;999")).toBe("");
  });

  it("gives offsets into the text as stored, sequences left out", () => {
    const text = "a\u001b[31mbc\u001b[0md";
    expect(sgrRuns(text)).toEqual([
      { start: 0, end: 1, className: "" },
      { start: 6, end: 8, className: "ansi-fg-1" },
      { start: 12, end: 13, className: "" },
    ]);
  });
});
