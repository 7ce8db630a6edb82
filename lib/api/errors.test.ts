import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { QuerySyntaxError } from "@/lib/query/parse-query";
import { ApiError, errorResponse, toApiError } from "./errors";

/** An error as mysql2 hands on an engine's refusal: the engine's words in both message and sqlMessage. */
function engineError(message: string) {
  return Object.assign(new Error(message), { code: "ER_UNKNOWN_ERROR", errno: 1064, sqlMessage: message });
}

/** What a client gets back for a thrown error: the response's status and JSON body. */
async function answer(err: unknown): Promise<{ status: number; body: unknown }> {
  const res = errorResponse(toApiError(err));
  return { status: res.status, body: await res.json() };
}

function zodError(schema: z.ZodType, input: unknown): z.ZodError {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected the schema to refuse the input");
  return parsed.error;
}

describe("toApiError for domain errors", () => {
  it.each([
    ["bad_request", 400],
    ["unauthorized", 401],
    ["forbidden", 403],
    ["not_found", 404],
    ["conflict", 409],
    ["payload_too_large", 413],
    ["rate_limited", 429],
    ["unavailable", 503],
    ["database_unavailable", 503],
  ] as const)("answers an AppError %s with %i, its code and its message", async (code, status) => {
    const message = `what went wrong: ${code}`;
    expect(await answer(new AppError(code, message))).toEqual({ status, body: { error: { code, message } } });
  });

  it("answers an ApiError a route handler threw as it is", () => {
    const err = new ApiError("conflict", "that name is taken");
    expect(toApiError(err)).toBe(err);
  });
});

describe("toApiError for invalid input", () => {
  it("answers a schema's refusal with 400 naming the field", () => {
    const err = toApiError(
      zodError(z.object({ limit: z.coerce.number().int().max(1000) }), { limit: "5000" }),
    );
    expect([err.code, err.status]).toEqual(["bad_request", 400]);
    expect(err.message).toMatch(/^limit: \S/);
  });

  it("keeps a message that names its field already, and joins several with ;", () => {
    const schema = z.object({
      username: z.string().regex(/^[a-z]+$/, "username: letters only"),
      page: z.object({ size: z.number() }),
    });
    const err = toApiError(zodError(schema, { username: "a b", page: { size: "ten" } }));
    expect(err.message).toMatch(/^username: letters only; page\.size: \S/);
  });

  it("answers a query syntax error with 400 saying it is the query", async () => {
    expect(await answer(new QuerySyntaxError("unbalanced quote", 4))).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "query: unbalanced quote" } },
    });
  });
});

describe("toApiError for unavailable services", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers 503 database_unavailable when PostgreSQL is going away", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = Object.assign(new Error("the database system is shutting down"), {
      severity: "FATAL",
      code: "57P01",
    });
    const { status, body } = await answer(err);
    expect([status, (body as { error: { code: string } }).error.code]).toEqual([503, "database_unavailable"]);
  });

  it("answers 503 unavailable when searchd refuses the connection", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9306"), { code: "ECONNREFUSED" });
    expect(await answer(err)).toEqual({
      status: 503,
      body: {
        error: {
          code: "unavailable",
          message: "the search engine is not reachable right now; try again in a moment",
        },
      },
    });
  });
});

describe("toApiError for unexpected errors", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers a generic 500 that says nothing of the error, and logs it for the operator", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const err = new TypeError(
      "cannot read properties of undefined (reading 'secretColumn') at /srv/alco/lib/x.ts",
    );
    const res = errorResponse(toApiError(err));
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: "internal error" } });
    expect(text).not.toMatch(/secretColumn|srv|TypeError/);
    expect(logged).toHaveBeenCalledWith(err);
  });

  it("answers a thrown non-Error the same way", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await answer("a string")).toEqual({
      status: 500,
      body: { error: { code: "internal_error", message: "internal error" } },
    });
  });
});

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
