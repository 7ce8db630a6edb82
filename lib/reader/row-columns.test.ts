import { describe, expect, it } from "vitest";
import type { LogRecord } from "@/lib/query/wire";
import { columnWidths, rowTemplate } from "./row-columns";

const rec = (host: string, fields: Record<string, unknown> = {}): LogRecord => ({
  id: host,
  ts: 0,
  seq: "0",
  time: "",
  message: "",
  level: "info",
  logger: "app",
  host,
  fields,
  highlights: [],
});

describe("row columns", () => {
  it("makes a column as wide as its widest value or its name, within bounds", () => {
    const rs = [rec("db"), rec("frontend-1"), rec("x", { requestId: 12345 })];
    expect(columnWidths(rs, ["host", "logger", "requestId"])).toEqual([10, 6, 9]);
    expect(columnWidths([rec("h".repeat(200))], ["host"])).toEqual([28]);
    expect(columnWidths([], ["n"])).toEqual([4]);
  });
  it("lays out time, level, the columns and the message", () => {
    expect(rowTemplate([10, 6])).toBe("var(--time-w) var(--level-w) 10ch 6ch minmax(0, 1fr)");
  });
});
