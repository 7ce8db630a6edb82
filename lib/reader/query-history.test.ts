import { describe, expect, it } from "vitest";
import { HISTORY_SIZE, historyKey, parseHistory, rememberQuery } from "./query-history";

describe("query history", () => {
  it("keeps each user's history under a key of their own", () => {
    expect(historyKey("amy")).not.toBe(historyKey("bob"));
    expect(historyKey("amy")).toContain("amy");
  });

  it("puts a query at the top once, moving an earlier search of it there", () => {
    let h: string[] = [];
    for (const q of ["error", "host:web-1", "timeout", "error"]) h = rememberQuery(h, q);
    expect(h).toEqual(["error", "timeout", "host:web-1"]);
    expect(rememberQuery(h, "  timeout  ")).toEqual(["timeout", "error", "host:web-1"]);
  });

  it("keeps no empty query", () => {
    expect(rememberQuery(["a"], "")).toEqual(["a"]);
    expect(rememberQuery(["a"], "   ")).toEqual(["a"]);
  });

  it("keeps the newest 50", () => {
    let h: string[] = [];
    for (let i = 0; i < 60; i++) h = rememberQuery(h, `q${i}`);
    expect(h).toHaveLength(HISTORY_SIZE);
    expect(h[0]).toBe("q59");
    expect(h[HISTORY_SIZE - 1]).toBe("q10");
  });

  it("reads back what it stored, and anything else as no history", () => {
    const h = rememberQuery(rememberQuery([], 'logger:"billing api"'), "error");
    expect(parseHistory(JSON.stringify(h))).toEqual(h);
    expect(parseHistory(null)).toEqual([]);
    expect(parseHistory("not json")).toEqual([]);
    expect(parseHistory('{"q":"x"}')).toEqual([]);
    expect(parseHistory('["a", 1, null, "", "a", " b "]')).toEqual(["a", "b"]);
    const long = JSON.stringify(Array.from({ length: 80 }, (_, i) => `q${i}`));
    expect(parseHistory(long)).toHaveLength(HISTORY_SIZE);
  });
});
