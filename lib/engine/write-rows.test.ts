import { describe, it, expect } from "vitest";
import { chunkRows } from "@/lib/engine/write-rows";
import { rowSqlBytes, type EngineRow } from "@/lib/engine/sphinxql-dialect";

function row(id: number, messageBytes = 10): EngineRow {
  return {
    id: String(id),
    ts: 1795000000000 + id,
    seq: "0",
    message: "x".repeat(messageBytes),
    fieldsText: "alcoalldocs",
    lvl: 30,
    level: "info",
    logger: "app",
    host: "web-1",
    json: "{}",
  };
}

const rows = (n: number, messageBytes = 10) => Array.from({ length: n }, (_, i) => row(i + 1, messageBytes));
const bytesOf = (chunk: EngineRow[]) => chunk.reduce((sum, r) => sum + rowSqlBytes(r), 0);

describe("chunkRows", () => {
  it("keeps every row, in order", () => {
    const input = rows(23);
    expect(chunkRows(input, 1000, 5).flat()).toEqual(input);
  });

  it("puts at most maxRows rows in a statement", () => {
    expect(chunkRows(rows(10), 1e9, 3).map((c) => c.length)).toEqual([3, 3, 3, 1]);
  });

  it("keeps each statement within maxBytes", () => {
    const one = rowSqlBytes(row(1));
    const chunks = chunkRows(rows(10), one * 3 + 1, 1000);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 3, 1]);
    for (const c of chunks) expect(bytesOf(c)).toBeLessThanOrEqual(one * 3 + 1);
  });

  it("fills a statement up to exactly maxBytes", () => {
    const one = rowSqlBytes(row(1));
    expect(chunkRows(rows(4), one * 2, 1000).map((c) => c.length)).toEqual([2, 2]);
  });

  it("puts a row larger than maxBytes in a statement of its own", () => {
    const input = [row(1), row(2), row(3, 5000), row(4)];
    const chunks = chunkRows(input, 1000, 1000);
    expect(chunks.map((c) => c.map((r) => r.id))).toEqual([["1", "2"], ["3"], ["4"]]);
  });

  it("gives no statements for no rows", () => {
    expect(chunkRows([])).toEqual([]);
  });

  it("counts multi-byte characters by their UTF-8 size", () => {
    const cyrillic = { ...row(1), message: "ж".repeat(100) };
    expect(rowSqlBytes(cyrillic)).toBe(rowSqlBytes({ ...row(1), message: "x".repeat(200) }));
  });
});
