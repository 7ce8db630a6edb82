import { afterEach, describe, expect, it, vi } from "vitest";
import { toApiError } from "./errors";

/** An error as mysql2 hands on an engine's refusal: the engine's words in both message and sqlMessage. */
function engineError(message: string) {
  return Object.assign(new Error(message), { code: "ER_UNKNOWN_ERROR", errno: 1064, sqlMessage: message });
}

describe("toApiError for engine errors", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ["Sphinx 2.2.11 (measured)", "unknown local index 'web' in search request"],
    ["Manticore 6.3.6 (src/searchd.cpp)", "unknown local table(s) 'web' in search request"],
  ])("answers 503 while %s does not serve a new index's table yet", (_engine, message) => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = toApiError(engineError(message));
    expect([err.code, err.status]).toEqual(["unavailable", 503]);
  });

  it("answers 400 when the engine refuses the query itself", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = toApiError(engineError("P01: syntax error, unexpected $end near 'unknown local table(s)'"));
    expect([err.code, err.status]).toEqual(["bad_request", 400]);
  });
});
