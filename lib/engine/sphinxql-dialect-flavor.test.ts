/**
 * What each engine answers about itself, and how alco tells them apart. Sphinx 2.2.11's answers were measured
 * here; Manticore's are quoted from its 6.3.6 source and manual, each named where it is used.
 */
import { describe, expect, it } from "vitest";
import {
  VERSION_SQL,
  detectFlavor,
  flavorFromBanner,
  flavorFromServer,
  tableNamesFromShowTables,
} from "./sphinxql-dialect";

// Sphinx 2.2.11, measured: the handshake's server version, and the first line `searchd --help` prints.
const SPHINX_HANDSHAKE = "2.2.11-id64-release (95ae9a6)";
const SPHINX_BANNER =
  "Sphinx 2.2.11-id64-release (95ae9a6)\nCopyright (c) 2001-2016, Andrew Aksyonoff\n" +
  "Copyright (c) 2008-2016, Sphinx Technologies Inc (http://sphinxsearch.com)\n\nUsage: searchd [OPTIONS]\n";

// Manticore 6.3.6: SHOW STATUS rows are `{ Counter, Value }` (src/searchd.cpp BuildStatus: SetColName("Counter"),
// then "version" and "mysql_version"); the value is "<x.y.z> <commit>@<yymmddHH>" and any loaded libraries
// (src/sphinxversion.cpp PRODUCT_VERSION; src/searchd.cpp InitBanner), as in manual
// Node_info_and_management/SHOW_VERSION.md's "6.2.13 61cfe38d2@24011520 dev". Commit and time here are the 6.3.6
// tag's; the library suffix is left out, as a build without them prints it.
const MANTICORE_STATUS_VERSION = "6.3.6 df9323dc9@24080223";
// The banner is "Manticore " PRODUCT_VERSION and the copyright lines (src/sphinxversion.cpp PRODUCT_NAME,
// PRODUCT_BANNER_TEXT), printed before `--help` is handled (src/searchd.cpp ServiceMain).
const MANTICORE_BANNER =
  `Manticore ${MANTICORE_STATUS_VERSION}\n` +
  "Copyright (c) 2001-2016, Andrew Aksyonoff\n" +
  "Copyright (c) 2008-2016, Sphinx Technologies Inc (http://sphinxsearch.com)\n" +
  "Copyright (c) 2017-2024, Manticore Software LTD (https://manticoresearch.com)\n\nUsage: searchd [OPTIONS]\n";

describe("engine flavor", () => {
  it("asks SHOW STATUS, which only Manticore answers: neither engine has a `version` variable", () => {
    // Manticore 6.3.6 src/searchd.cpp HandleMysqlShowVariables lists no "version"; 2.2.11 answers no rows.
    expect(VERSION_SQL).toBe("SHOW STATUS LIKE 'version'");
  });

  it("takes Manticore's SHOW STATUS answer as Manticore", () => {
    const statusRows = [{ Counter: "version", Value: MANTICORE_STATUS_VERSION }];
    expect(flavorFromServer({ statusRows })).toBe("manticore");
    // The manual's older example (Node_info_and_management/Node_status.md) reads the same way.
    expect(
      flavorFromServer({ statusRows: [{ Counter: "version", Value: "3.4.3 ab7cbe5d@200511 dev" }] }),
    ).toBe("manticore");
  });

  it("believes SHOW STATUS over a handshake that mysql_version_string made look like MySQL", () => {
    const statusRows = [{ Counter: "version", Value: MANTICORE_STATUS_VERSION }];
    expect(flavorFromServer({ statusRows, handshakeVersion: "5.7.0" })).toBe("manticore");
  });

  it("takes Sphinx 2.2's empty answer and its handshake as Sphinx 2.2", () => {
    expect(flavorFromServer({ statusRows: [], handshakeVersion: SPHINX_HANDSHAKE })).toBe("sphinx2");
    expect(flavorFromServer({ statusRows: [] })).toBe("sphinx2");
  });

  it("falls back to the handshake, which Manticore fills with its bare version", () => {
    // src/searchd.cpp: g_sMySQLVersion = szMANTICORE_VERSION plus libraries, sent in the handshake
    // (src/netreceive_ql.cpp) unless mysql_version_string says otherwise.
    expect(flavorFromServer({ statusRows: [], handshakeVersion: MANTICORE_STATUS_VERSION })).toBe(
      "manticore",
    );
  });

  it("reads version numbers from 3 on, two-digit majors included, as Manticore", () => {
    expect(detectFlavor("2.2.11-id64-release (95ae9a6)")).toBe("sphinx2");
    expect(detectFlavor(MANTICORE_STATUS_VERSION)).toBe("manticore");
    expect(detectFlavor("7.0.0 ab148841c@25013012")).toBe("manticore");
    expect(detectFlavor("10.1.0")).toBe("manticore");
    expect(detectFlavor("")).toBe("sphinx2");
  });

  it("tells a binary's flavor from its banner", () => {
    expect(flavorFromBanner(SPHINX_BANNER)).toBe("sphinx2");
    expect(flavorFromBanner(MANTICORE_BANNER)).toBe("manticore");
    expect(() => flavorFromBanner("bash: searchd: command not found")).toThrow(/not a searchd banner/);
  });
});

describe("SHOW TABLES", () => {
  it("reads the `Index` column of 2.2 and Manticore 6 and the `Table` column of Manticore 7", () => {
    // 2.2.11 measured; Manticore: src/searchd.cpp HandleMysqlShowTables, { "Index", "Type" } at 6.3.6 and
    // { "Table", "Type" } from 7.0.0.
    expect(tableNamesFromShowTables([{ Index: "web", Type: "distributed" }])).toEqual(new Set(["web"]));
    expect(tableNamesFromShowTables([{ Table: "web_20261121", Type: "rt" }])).toEqual(
      new Set(["web_20261121"]),
    );
  });
});
