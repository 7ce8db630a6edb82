import { describe, expect, it } from "vitest";
import { formatRecord, localTime } from "./format-record";
import { formatTable } from "./format-table";

const r = {
  ts: Date.parse("2026-11-21T13:45:01.023Z"),
  level: "error",
  host: "web-1",
  logger: "shop",
  message: "a\nb",
};

describe("formatRecord", () => {
  it("writes time, level, host, logger and the message as it is", () => {
    const line = formatRecord(r, { color: false });
    expect(line).toBe(`${localTime(r.ts)} ERROR web-1 shop: a\nb`);
    expect(localTime(r.ts)).toMatch(/^2026-11-2\d \d\d:\d5:01\.023$/);
  });

  it("colors the level only when asked, and pads levels to one width", () => {
    expect(formatRecord(r, { color: true })).toContain("\u001b[31mERROR\u001b[0m");
    expect(formatRecord({ ...r, level: "info", host: "", logger: "" }, { color: false })).toContain(
      " INFO  - -: ",
    );
  });
});

describe("formatRecord: a coloured message", () => {
  const coloured = { ...r, message: "\u001b[1;31mERROR\u001b[0m disk \u001b[33mfull" };

  it("keeps its colours on a terminal, reset after it", () => {
    expect(formatRecord(coloured, { color: true })).toMatch(
      /: \u001b\[1;31mERROR\u001b\[0m disk \u001b\[33mfull\u001b\[0m$/,
    );
  });

  it("leaves them out elsewhere", () => {
    expect(formatRecord(coloured, { color: false })).toBe(
      `${localTime(r.ts)} ERROR web-1 shop: ERROR disk full`,
    );
  });
});

describe("formatTable", () => {
  it("pads every column but the last to its widest cell", () => {
    expect(
      formatTable(
        ["A", "BB"],
        [
          ["long", "x"],
          ["s", ""],
        ],
      ),
    ).toEqual(["A     BB", "long  x", "s"]);
  });
});
