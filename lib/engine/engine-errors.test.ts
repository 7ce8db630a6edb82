import { describe, expect, it } from "vitest";
import { isTransientEngineError } from "./engine-errors";

describe("isTransientEngineError", () => {
  it.each([
    [{ code: "ECONNREFUSED", message: "connect ECONNREFUSED 127.0.0.1:9306" }],
    [{ code: "ECONNRESET", message: "read ECONNRESET" }],
    [{ code: "PROTOCOL_CONNECTION_LOST", message: "Connection lost: The server closed the connection." }],
    [{ fatal: true, message: "Can't add new command when connection is in closed state" }],
    [new Error("unknown local index 'web_20261122' in search request")],
    [new Error("no such index 'web_20261122'")],
    // Manticore 6.3.6, src/searchd.cpp: SearchHandler_c (SELECT) and sphHandleMysqlInsert (INSERT, REPLACE).
    [new Error("unknown local table(s) 'web_20261122' in search request")],
    [new Error("unknown local table(s) 'web_20261122, web_20261123' in search request")],
    [new Error("table 'web_20261122' absent, or does not support INSERT")],
    [new Error("no such table 'web_20261122'")],
    // 2.2.11 on a day table written before seq, until the supervisor has added the column.
    [new Error("unknown column: 'seq'\u0000")],
    [new Error("index web_20261122: parse error: unknown column: seq\u0000")],
    [new Error("index web_20261122: \u0000")],
  ])("retries when the engine is down or does not serve the table (or its seq column) yet: %s", (err) => {
    expect(isTransientEngineError(err)).toBe(true);
  });

  it("does not retry an unknown column other than seq", () => {
    expect(
      isTransientEngineError(new Error("index web_20261122: parse error: unknown column: sequence")),
    ).toBe(false);
    expect(isTransientEngineError(new Error("unknown column: 'lvl2'"))).toBe(false);
  });

  it("does not retry a syntax error", () => {
    expect(
      isTransientEngineError(
        new Error("sphinxql: syntax error, unexpected IDENT, expecting VALUES near 'x'"),
      ),
    ).toBe(false);
  });

  it("does not retry a syntax error whose quoted statement mentions timeouts or unknown indexes", () => {
    // searchd quotes the statement, and so the log text being written, after "near".
    const err = new Error(
      "sphinxql: syntax error, unexpected $undefined near 'upstream timed out, too many retries, unknown index'",
    );
    expect(isTransientEngineError(err)).toBe(false);
  });

  it("does not retry a Manticore syntax error whose quoted statement names a missing table", () => {
    // Manticore words its parse errors "%s %s near '%s'" (src/searchdsql.cpp, 6.3.6), quoting the log text.
    const err = new Error(
      "P01: syntax error, unexpected identifier near 'table 'x' absent, or does not support INSERT, unknown local table(s)'",
    );
    expect(isTransientEngineError(err)).toBe(false);
  });

  it("does not retry a refused value", () => {
    expect(
      isTransientEngineError(new Error("column js: JSON error: syntax error, unexpected end of file")),
    ).toBe(false);
  });

  it("does not retry something that is not an error", () => {
    expect(isTransientEngineError({})).toBe(false);
  });
});
