import { describe, expect, it } from "vitest";
import { tableBytesFromStatus, tableStatusSql } from "./sphinxql-dialect";

// Rows as Sphinx 2.2.11 answers `SHOW INDEX <rt table> STATUS` (measured).
const status = (disk: string, ram: string) => [
  { Variable_name: "index_type", Value: "rt" },
  { Variable_name: "indexed_documents", Value: "1" },
  { Variable_name: "ram_bytes", Value: ram },
  { Variable_name: "disk_bytes", Value: disk },
  { Variable_name: "disk_chunks", Value: "0" },
];

describe("table status", () => {
  it("asks one table at a time, and only a valid table name", () => {
    expect(tableStatusSql("shop_20261121")).toBe("SHOW INDEX shop_20261121 STATUS");
    expect(() => tableStatusSql("shop; DROP")).toThrow(/invalid table/);
  });

  it("counts disk chunks and the RAM chunk, which holds everything in a young table", () => {
    expect(tableBytesFromStatus(status("0", "6208"))).toBe(6208);
    expect(tableBytesFromStatus(status("1048576", "5672"))).toBe(1054248);
  });

  it("says null when the engine reports no size", () => {
    expect(tableBytesFromStatus([])).toBeNull();
    expect(tableBytesFromStatus([{ Variable_name: "disk_bytes", Value: "n/a" }])).toBeNull();
  });
});
