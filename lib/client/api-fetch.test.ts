import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiFailure, apiErrorOf, apiFetch } from "./api-fetch";

function answer(status: number, body: string | null, type = "application/json") {
  const fetchMock = vi.fn((_url: string, _init?: RequestInit) =>
    Promise.resolve(new Response(body, { status, headers: { "content-type": type } })),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

afterEach(() => vi.unstubAllGlobals());

describe("apiFetch", () => {
  it("sends a JSON body and returns the JSON answer", async () => {
    const fetchMock = answer(200, '{"id":7}');
    await expect(apiFetch("/api/x", { method: "POST", body: { name: "a" } })).resolves.toEqual({ id: 7 });
    const init = fetchMock.mock.calls[0]![1]!;
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"name":"a"}');
    expect(init.headers).toEqual({ accept: "application/json", "content-type": "application/json" });
  });

  it("turns the API's error shape into an ApiFailure with its status, code and message", async () => {
    answer(400, '{"error":{"code":"bad_request","message":"query: unbalanced quote"}}');
    const err = await apiFetch("/api/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect(err).toMatchObject({ status: 400, code: "bad_request", message: "query: unbalanced quote" });
  });

  it("says what failed when the answer is not the API's error shape", async () => {
    answer(502, "<html>bad gateway</html>", "text/html");
    await expect(apiFetch("/api/x")).rejects.toMatchObject({
      code: "error",
      message: "request failed with 502",
    });
    answer(502, "<html>bad gateway</html>", "text/html");
    await expect(apiFetch("/api/x", { failureMessage: (s) => `sign-in failed (${s})` })).rejects.toThrow(
      "sign-in failed (502)",
    );
  });

  it("passes the abort signal on", async () => {
    const fetchMock = answer(204, null);
    const abort = new AbortController();
    await expect(apiFetch("/api/x", { signal: abort.signal })).resolves.toBeUndefined();
    expect(fetchMock.mock.calls[0]![1]!.signal).toBe(abort.signal);
  });
});

describe("apiErrorOf", () => {
  it("reads only a complete error shape", () => {
    expect(apiErrorOf({ error: { code: "not_found", message: "no index" } })).toEqual({
      code: "not_found",
      message: "no index",
    });
    expect(apiErrorOf({ error: { code: "not_found" } })).toBeNull();
    expect(apiErrorOf(null)).toBeNull();
    expect(apiErrorOf("error")).toBeNull();
  });
});
