import { describe, expect, it } from "vitest";
import {
  excludeFilter,
  filterParts,
  includeFilter,
  readState,
  shareState,
  toggleExclude,
  toggleFilter,
  withQueryTerm,
  writeState,
} from "./url-state";

describe("reader URL state", () => {
  it("round-trips every part of the view through the URL", () => {
    const sp = new URLSearchParams(
      "q=error+timeout&filter=host:web-1&filter=-level:debug&from=now-2h&to=now&focus=1_2&ctx=3_4&scope=all&start=oldest&live=1&tz=utc&view=patterns&psort=new",
    );
    expect(readState(writeState(readState(sp)))).toEqual(readState(sp));
    expect(readState(sp)).toMatchObject({
      q: "error timeout",
      filters: ["host:web-1", "-level:debug"],
      scope: "all",
      start: "oldest",
      live: true,
      tz: "utc",
      view: "patterns",
      psort: "new",
    });
  });

  it("narrows a query by a pattern's term", () => {
    expect(withQueryTerm("", '"disk full"')).toBe('"disk full"');
    expect(withQueryTerm(" level:warn ", '-"disk full"')).toBe('level:warn -"disk full"');
    expect(withQueryTerm("x", "")).toBe("x");
  });

  it("leaves defaults out of the URL", () => {
    expect(writeState(readState(new URLSearchParams())).toString()).toBe("");
  });
});

describe("facet clicks", () => {
  it("selects only the clicked value on a plain click", () => {
    expect(toggleFilter(["host:a", "level:error"], "host", "b", false)).toEqual(["level:error", "host:b"]);
  });
  it("removes the value when it was the only one selected", () => {
    expect(toggleFilter(["host:a", "level:error"], "host", "a", false)).toEqual(["level:error"]);
  });
  it("adds and removes values with ctrl/cmd", () => {
    expect(toggleFilter(["host:a"], "host", "b", true)).toEqual(["host:a", "host:b"]);
    expect(toggleFilter(["host:a", "host:b"], "host", "a", true)).toEqual(["host:b"]);
  });
  it("keeps exclusions of the same field on a plain click", () => {
    expect(toggleFilter(["-host:x", "host:a"], "host", "b", false)).toEqual(["-host:x", "host:b"]);
  });

  it("shares a view with its times fixed, opening on the focused line, not live", () => {
    const now = Date.parse("2026-12-03T10:00:00.000Z");
    const s = readState(new URLSearchParams("q=x&from=now-1h&focus=1_2_3&start=oldest&live=1"));
    const shared = readState(writeState(shareState(s, now)));
    expect(shared).toMatchObject({
      q: "x",
      from: "2026-12-03T09:00:00.000Z",
      to: "2026-12-03T10:00:00.000Z",
      focus: "1_2_3",
      start: "",
      live: false,
    });
    const absolute = readState(new URLSearchParams("from=2026-12-01T00:00:00Z&to=1795000000000"));
    expect(shareState(absolute, now)).toMatchObject({
      from: "2026-12-01T00:00:00.000Z",
      to: new Date(1795000000000).toISOString(),
    });
  });
});

describe("including and excluding values", () => {
  it("splits a filter into field, value and whether it excludes, a value keeping its colons", () => {
    expect(filterParts("-url:http://a:8080/x")).toEqual({
      field: "url",
      value: "http://a:8080/x",
      negate: true,
    });
    expect(filterParts("host:web-1")).toEqual({ field: "host", value: "web-1", negate: false });
  });
  it("lifts an exclusion when the same value is selected from a facet", () => {
    expect(toggleFilter(["-host:a", "level:error"], "host", "a", false)).toEqual(["level:error", "host:a"]);
    expect(toggleFilter(["-host:a", "host:b"], "host", "a", true)).toEqual(["host:b", "host:a"]);
  });
  it("filters for a value alone among its field's values, keeping other fields and exclusions", () => {
    expect(includeFilter(["host:a", "host:b", "-host:c", "level:error"], "host", "d")).toEqual([
      "-host:c",
      "level:error",
      "host:d",
    ]);
    expect(includeFilter(["-host:a"], "host", "a")).toEqual(["host:a"]);
    expect(includeFilter(["host:a"], "host", "a")).toEqual(["host:a"]);
  });
  it("filters out a value once, dropping its selection", () => {
    expect(excludeFilter(["host:a", "host:b"], "host", "a")).toEqual(["host:b", "-host:a"]);
    expect(excludeFilter(["-host:a"], "host", "a")).toEqual(["-host:a"]);
  });
  it("toggles a facet value's exclusion", () => {
    expect(toggleExclude([], "host", "a")).toEqual(["-host:a"]);
    expect(toggleExclude(["-host:a", "level:error"], "host", "a")).toEqual(["level:error"]);
    expect(toggleExclude(["host:a"], "host", "a")).toEqual(["-host:a"]);
  });
});
