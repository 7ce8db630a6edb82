import { describe, expect, it } from "vitest";
import { removeControls, stripSgr } from "./terminal-escapes";

describe("removeControls", () => {
  it("keeps SGR sequences when asked, and removes them otherwise", () => {
    const text = "\u001b[1;31mERROR\u001b[0m \u001b[38:5:196mred\u001b[m";
    expect(removeControls(text, true)).toBe(text);
    expect(removeControls(text, false)).toBe("ERROR red");
  });

  it("removes cursor, erase, private-mode, OSC and charset sequences whole", () => {
    expect(removeControls("\u001b[2K\u001b[1Gdone \u001b[?25lhidden\u001b[?25h", true)).toBe("done hidden");
    expect(
      removeControls("\u001b]0;title\u0007a \u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", true),
    ).toBe("a link");
    expect(removeControls("\u001b(B\u001b[mplain", true)).toBe("\u001b[mplain");
  });

  it("removes a lone ESC and other control characters alone, keeping tabs and newlines", () => {
    expect(removeControls("esc\u001b end nul\u0000 bell\u0007\tx\ny\r", true)).toBe(
      "esc end nul bell\tx\ny\r",
    );
  });

  it("leaves text without control characters as it is", () => {
    const text = "[31mERROR[0m, as a terminal-less copy shows it";
    expect(removeControls(text, false)).toBe(text);
  });
});

describe("stripSgr", () => {
  it("is what a terminal shows of the characters", () => {
    expect(stripSgr("\u001b[32mok\u001b[0m in \u001b[1m3\u001b[22m ms")).toBe("ok in 3 ms");
    expect(stripSgr("no colour")).toBe("no colour");
  });
});
