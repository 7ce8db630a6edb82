import { describe, expect, it } from "vitest";
import {
  contextSteps,
  onQueryTables,
  pageSteps,
  probeSteps,
  queryTables,
  stepReachesAnchor,
} from "./query-tables";

const NOW = Date.UTC(2026, 10, 21, 15, 0);
const H = 3_600_000;
const web = { name: "web", retentionDays: 7 };

describe("queryTables", () => {
  it("names the distributed table for an index given by name, or a range over every day", () => {
    expect(queryTables("web")).toEqual(["web"]);
    expect(queryTables(web, undefined, undefined, NOW)).toEqual(["web"]);
    expect(queryTables(web, NOW - 30 * 24 * H, NOW + 5 * 24 * H, NOW)).toEqual(["web"]);
  });

  it("names only the days a range touches", () => {
    expect(queryTables(web, NOW - H, NOW, NOW)).toEqual(["web_20261121"]);
    expect(queryTables(web, NOW - 24 * H, undefined, NOW)).toEqual([
      "web_20261120",
      "web_20261121",
      "web_20261122",
    ]);
    expect(queryTables(web, Date.UTC(2026, 10, 19), Date.UTC(2026, 10, 20) - 1, NOW)).toEqual([
      "web_20261119",
    ]);
  });

  it("answers a range outside the retention window from the newest day", () => {
    expect(queryTables(web, Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 2), NOW)).toEqual(["web_20261122"]);
  });
});

describe("onQueryTables", () => {
  it.each([
    ["Sphinx 2.2.11 (measured)", "unknown local index 'web_20261121' in search request"],
    ["Manticore 6.3.6 (src/searchd.cpp)", "unknown local table(s) 'web_20261121' in search request"],
  ])("falls back to the distributed table when %s no longer has a day", async (_engine, message) => {
    const seen: string[][] = [];
    const result = await onQueryTables(web, { fromMs: Date.now() - H, toMs: Date.now() }, (tables) => {
      seen.push(tables);
      if (tables[0] !== "web") return Promise.reject(new Error(message));
      return Promise.resolve("ok");
    });
    expect(result).toBe("ok");
    expect(seen[1]).toEqual(["web"]);
  });

  it("does not retry other errors, nor an index name quoted from the statement", async () => {
    const run = (message: string) =>
      onQueryTables(web, { fromMs: Date.now() - H, toMs: Date.now() }, () =>
        Promise.reject(new Error(message)),
      );
    await expect(run("sphinxql: syntax error, unexpected ')' near ')'")).rejects.toThrow(/syntax/);
    await expect(run("sphinxql: syntax error near 'unknown local index'")).rejects.toThrow(/syntax/);
    await expect(run("P01: syntax error near 'unknown local table(s)'")).rejects.toThrow(/syntax/);
  });
});

describe("pageSteps", () => {
  const day = (d: number) => Date.UTC(2026, 10, d);

  it("reads today (and tomorrow) first, then the other days through the distributed table", () => {
    expect(pageSteps(web, {}, "older", NOW)).toEqual([
      { tables: ["web_20261121", "web_20261122"], fromMs: day(21), toMs: undefined },
      { tables: ["web"], fromMs: undefined, toMs: day(21) - 1 },
    ]);
  });

  it("starts below a cursor on the cursor's day", () => {
    const cursorTs = day(19) + 5 * H;
    expect(pageSteps(web, { toMs: cursorTs }, "older", NOW)).toEqual([
      { tables: ["web_20261119"], fromMs: day(19), toMs: cursorTs },
      { tables: ["web"], fromMs: undefined, toMs: day(19) - 1 },
    ]);
  });

  it("starts above a cursor on the cursor's day and goes up", () => {
    const cursorTs = day(20) + 5 * H;
    expect(pageSteps(web, { fromMs: cursorTs }, "newer", NOW)).toEqual([
      { tables: ["web_20261120"], fromMs: cursorTs, toMs: day(21) - 1 },
      { tables: ["web_20261121", "web_20261122"], fromMs: day(21), toMs: undefined },
    ]);
  });

  it("does not split a range of one day, or an index given by name", () => {
    expect(pageSteps(web, { fromMs: NOW - H, toMs: NOW }, "older", NOW)).toBeNull();
    expect(pageSteps("web", {}, "older", NOW)).toBeNull();
  });
});

describe("probeSteps", () => {
  const M = 60_000;
  const today = Date.UTC(2026, 10, 21);

  it("splits a step into windows of 1, 16 and 256 minutes back from the edge, then the rest, without gaps", () => {
    const steps = probeSteps({ tables: ["web_20261121"], fromMs: today, toMs: undefined }, NOW);
    expect(steps).toEqual([
      { tables: ["web_20261121"], fromMs: NOW - M, toMs: undefined },
      { tables: ["web_20261121"], fromMs: NOW - 16 * M, toMs: NOW - M - 1 },
      { tables: ["web_20261121"], fromMs: NOW - 256 * M, toMs: NOW - 16 * M - 1 },
      { tables: ["web_20261121"], fromMs: today, toMs: NOW - 256 * M - 1 },
    ]);
  });

  it("stops at the step's start, and keeps an open start open", () => {
    expect(probeSteps({ tables: ["t"], fromMs: NOW - 10 * M, toMs: NOW }, NOW)).toEqual([
      { tables: ["t"], fromMs: NOW - M, toMs: NOW },
      { tables: ["t"], fromMs: NOW - 10 * M, toMs: NOW - M - 1 },
    ]);
    expect(probeSteps({ tables: ["t"] }, NOW).at(-1)).toEqual({
      tables: ["t"],
      fromMs: undefined,
      toMs: NOW - 256 * M - 1,
    });
  });
});

describe("contextSteps", () => {
  const M = 60_000;
  const day = (d: number) => Date.UTC(2026, 10, d);

  it("reads back from an anchor in windows of 1, 16 and 256 minutes, each naming its days, then the rest", () => {
    const anchor = day(20) + 2 * H;
    expect(contextSteps(web, anchor, "older", NOW)).toEqual([
      { tables: ["web_20261120"], fromMs: anchor - M, toMs: anchor },
      { tables: ["web_20261120"], fromMs: anchor - 16 * M, toMs: anchor - M - 1 },
      { tables: ["web_20261119", "web_20261120"], fromMs: anchor - 256 * M, toMs: anchor - 16 * M - 1 },
      {
        tables: ["web_20261115", "web_20261116", "web_20261117", "web_20261118", "web_20261119"],
        toMs: anchor - 256 * M - 1,
      },
    ]);
  });

  it("reads forward from an anchor, and stops windowing at now: the last step reads what a fast clock wrote", () => {
    const anchor = NOW - 10 * M;
    expect(contextSteps(web, anchor, "newer", NOW)).toEqual([
      { tables: ["web_20261121"], fromMs: anchor, toMs: anchor + M },
      { tables: ["web_20261121"], fromMs: anchor + M + 1, toMs: anchor + 16 * M },
      { tables: ["web_20261121", "web_20261122"], fromMs: anchor + 16 * M + 1 },
    ]);
  });

  it("leaves no gap and no overlap between steps", () => {
    for (const direction of ["older", "newer"] as const) {
      const steps = contextSteps(web, day(19) + 23 * H + 59 * M, direction, NOW);
      for (let i = 1; i < steps.length; i++) {
        if (direction === "older") expect(steps[i]!.toMs).toBe(steps[i - 1]!.fromMs! - 1);
        else expect(steps[i]!.fromMs).toBe(steps[i - 1]!.toMs! + 1);
      }
    }
  });

  it("needs the keyset only on the step that holds the anchor's millisecond", () => {
    for (const [anchor, direction] of [
      [day(20) + 2 * H, "older"],
      [NOW - 10 * M, "newer"],
      [day(15) + H, "older"],
      [NOW, "newer"],
    ] as const) {
      const steps = contextSteps(web, anchor, direction, NOW);
      expect(steps.map((s) => stepReachesAnchor(s, anchor, direction))).toEqual(steps.map((_, i) => i === 0));
    }
    expect(stepReachesAnchor({ tables: ["web"], toMs: NOW }, NOW, "older")).toBe(true);
    expect(stepReachesAnchor({ tables: ["web"], fromMs: NOW + 1 }, NOW, "newer")).toBe(false);
  });

  it("reads an index given by name once, through the distributed table", () => {
    expect(contextSteps("web", NOW, "older", NOW)).toEqual([{ tables: ["web"], toMs: NOW }]);
    expect(contextSteps("web", NOW, "newer", NOW)).toEqual([{ tables: ["web"], fromMs: NOW }]);
  });
});
