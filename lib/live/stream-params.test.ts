import { describe, expect, it } from "vitest";
import type { LogRecord } from "@/lib/query/wire";
import { matchesApp, matchesStream, streamParamsSchema, unsafePattern } from "./stream-params";

const rec = (logger: string, host: string, fields: Record<string, unknown> = {}): LogRecord => ({
  id: "1",
  ts: 0,
  seq: "0",
  time: "1970-01-01T00:00:00.000Z",
  message: "m",
  level: "info",
  logger,
  host,
  fields,
  highlights: [],
});

describe("stream parameters", () => {
  it("matches unanchored, case-sensitive regexes over app, proc, host and fields", () => {
    const f = streamParamsSchema.parse({ app: "^shop", proc: "web|worker", host: "-0[12]$", status: "^5" });
    expect(matchesApp(f, "shop_eu")).toBe(true);
    expect(matchesApp(f, "myshop")).toBe(false);
    expect(matchesStream(f, rec("myweb", "web-01", { status: 500 }))).toBe(true);
    expect(matchesStream(f, rec("worker-2", "web-02", { status: "503" }))).toBe(true);
    expect(matchesStream(f, rec("Web", "web-01", { status: 500 }))).toBe(false);
    expect(matchesStream(f, rec("web", "web-03", { status: 500 }))).toBe(false);
    expect(matchesStream(f, rec("web", "web-01", { status: 404 }))).toBe(false);
    expect(matchesStream(f, rec("web", "web-01"))).toBe(false);
  });

  it("ANDs a repeated parameter and takes no parameter as everything", () => {
    const f = streamParamsSchema.parse({ host: ["web", "01"] });
    expect(matchesStream(f, rec("x", "web-01"))).toBe(true);
    expect(matchesStream(f, rec("x", "web-02"))).toBe(false);
    const all = streamParamsSchema.parse({});
    expect(matchesApp(all, "anything") && matchesStream(all, rec("", ""))).toBe(true);
  });

  it("refuses invalid and potentially exponential patterns", () => {
    for (const p of ["(a+)+$", "(a|aa)*b", "(x*)*", "(?=a)", "(a)\\1", "x".repeat(201)])
      expect(unsafePattern(p), p).not.toBeNull();
    for (const p of [
      "web|worker",
      "^web-\\d+$",
      "(web|worker)-1",
      "a+b*c?",
      "[(|)]+",
      "(ab){2}",
      "\\(a+\\)+",
    ])
      expect(unsafePattern(p), p).toBeNull();
    expect(streamParamsSchema.safeParse({ proc: "(" }).success).toBe(false);
    expect(streamParamsSchema.safeParse({ "not a field": "x" }).success).toBe(false);
  });
});
