import { describe, expect, it } from "vitest";
import { createAlertSchema, updateAlertSchema } from "./schema";

const valid = {
  name: "5xx",
  index: "web",
  query: "status:500",
  windowSeconds: 300,
  condition: { op: "gt", value: 10 },
};

function problem(input: unknown): string {
  const r = createAlertSchema.safeParse(input);
  if (r.success) return "";
  return r.error.issues.map((i) => i.message).join("; ");
}

describe("alert rule schema", () => {
  it("fills in the defaults", () => {
    const r = createAlertSchema.parse(valid);
    expect(r.everySeconds).toBe(30);
    expect(r.enabled).toBe(true);
  });

  it("names the field of each hostile input", () => {
    expect(problem({ ...valid, windowSeconds: 0 })).toMatch(/^windowSeconds: at least 60/);
    expect(problem({ ...valid, windowSeconds: 86_401 })).toMatch(/^windowSeconds: at most/);
    expect(problem({ ...valid, webhookUrl: "file:///etc/passwd" })).toMatch(/^webhookUrl: an http/);
    expect(problem({ ...valid, webhookUrl: "javascript:alert(1)" })).toMatch(/^webhookUrl:/);
    expect(problem({ ...valid, query: 'message:"unclosed' })).toMatch(/^query: /);
    expect(problem({ ...valid, condition: { op: "eq", value: 1 } })).toMatch(/^condition\.op:/);
    expect(problem({ ...valid, groupBy: "js.path; DROP" })).toMatch(/^groupBy:/);
    expect(problem({ ...valid, everySeconds: 0 })).toMatch(/^everySeconds: at least 1/);
  });

  it("takes http and https webhooks", () => {
    expect(problem({ ...valid, webhookUrl: "https://hooks.example.com/services/x" })).toBe("");
    expect(problem({ ...valid, webhookUrl: "http://127.0.0.1:8080/hook" })).toBe("");
  });

  it("checks the fields a change names, and nothing else", () => {
    expect(updateAlertSchema.safeParse({ windowSeconds: 0 }).success).toBe(false);
    expect(updateAlertSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });
});
