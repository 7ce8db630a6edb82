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

// Manticore 6.3.6's answer, from the example in its manual
// (manual/Node_info_and_management/Table_settings_and_status/SHOW_TABLE_STATUS.md): `ram_bytes` is memory, the RAM
// chunk included; `disk_bytes` is the table's files, the saved RAM chunk included (src/sphinxrt.cpp GetStatus).
const MANTICORE_STATUS = [
  { Variable_name: "index_type", Value: "rt" },
  { Variable_name: "indexed_documents", Value: "146000" },
  { Variable_name: "ram_bytes", Value: "87674788" },
  { Variable_name: "disk_bytes", Value: "1762811" },
  { Variable_name: "disk_mapped", Value: "794147" },
  { Variable_name: "ram_chunk", Value: "86865484" },
  { Variable_name: "disk_chunks", Value: "1" },
];

describe("table status", () => {
  it("asks one table at a time, and only a valid table name", () => {
    expect(tableStatusSql("shop_20261121")).toBe("SHOW INDEX shop_20261121 STATUS");
    expect(() => tableStatusSql("shop; DROP")).toThrow(/invalid table/);
  });

  it("on Sphinx 2.2 counts disk chunks and the RAM chunk, which holds everything in a young table", () => {
    expect(tableBytesFromStatus(status("0", "6208"), "sphinx2")).toBe(6208);
    expect(tableBytesFromStatus(status("1048576", "5672"), "sphinx2")).toBe(1054248);
  });

  it("on Manticore takes disk_bytes alone, which already holds the saved RAM chunk", () => {
    expect(tableBytesFromStatus(MANTICORE_STATUS, "manticore")).toBe(1762811);
  });

  it("says null when the engine reports no size", () => {
    for (const flavor of ["sphinx2", "manticore"] as const) {
      expect(tableBytesFromStatus([], flavor)).toBeNull();
      expect(tableBytesFromStatus([{ Variable_name: "disk_bytes", Value: "n/a" }], flavor)).toBeNull();
    }
  });
});
