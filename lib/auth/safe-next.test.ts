import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext", () => {
  it.each([
    ["/grep/demo?q=error#x", "/grep/demo?q=error#x"],
    ["/admin", "/admin"],
    ["grep/demo", "/grep/demo"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["/../admin", "/admin"],
  ])("follows %s on this origin as %s", (next, want) => {
    expect(safeNext(next, "https://logs.example.com")).toBe(want);
  });

  it.each([
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\t/evil.example",
    "https://evil.example",
    "https://logs.example.com.evil.example/",
    "http://logs.example.com/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://[::1",
  ])("sends %s home instead", (next) => {
    expect(safeNext(next, "https://logs.example.com")).toBe("/");
  });

  it("follows only paths when the origin is not known yet", () => {
    expect(safeNext("/grep/demo")).toBe("/grep/demo");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });
});
