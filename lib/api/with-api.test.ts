import { deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { z } from "zod";
import { idParamSchema } from "@/lib/admin/schema";
import type { Principal } from "@/lib/auth/authenticate";
import { QuerySyntaxError } from "@/lib/query/parse-query";
import { MAX_BODY_BYTES, type RawBody } from "./read-body";
import { ApiError, withApi } from "./with-api";

type ErrorBody = { error: { code: string; message: string } };

const noSegments = { params: Promise.resolve({}) };

// Messages name their field, as the resource schemas' do (lib/<feature>/schema.ts).
const limitQuery = z.object({
  limit: z.coerce.number("limit: expected a number").int("limit: a whole number"),
});
const nameBody = z.object({ name: z.string("name: required, a string") });

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request("http://alco.test/api/thing", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

async function answer(res: Response): Promise<{ status: number; body: ErrorBody }> {
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("withApi", () => {
  afterEach(() => vi.restoreAllMocks());

  it("refuses a bad query parameter with a 400 that names it", async () => {
    const GET = withApi({ auth: "public", query: limitQuery }, ({ query }) =>
      Response.json({ limit: query.limit }),
    );
    const ok = await GET(new Request("http://alco.test/api/thing?limit=7"), noSegments);
    expect(await ok.json()).toEqual({ limit: 7 });
    const { status, body } = await answer(
      await GET(new Request("http://alco.test/api/thing?limit=many"), noSegments),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toBe("limit: expected a number");
  });

  it("refuses a body its schema does not accept, and one that is not JSON, with a 400", async () => {
    const POST = withApi({ auth: "public", body: nameBody }, ({ body }) =>
      Response.json({ hello: body.name }),
    );
    expect(await (await POST(post('{"name":"ada"}'), noSegments)).json()).toEqual({ hello: "ada" });
    const wrong = await answer(await POST(post('{"name":7}'), noSegments));
    expect(wrong).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "name: required, a string" } },
    });
    const notJson = await answer(await POST(post("{name"), noSegments));
    expect(notJson).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "body: not valid JSON" } },
    });
  });

  it("refuses a body over the limit with a 413, whether its length is declared or not", async () => {
    const handler = vi.fn(() => new Response(null, { status: 204 }));
    const POST = withApi({ auth: "public", body: z.object({ pad: z.string() }) }, handler);
    const big = JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) });
    const tooLarge = {
      status: 413,
      body: { error: { code: "payload_too_large", message: `body: at most ${MAX_BODY_BYTES} bytes` } },
    };
    expect(await answer(await POST(post(big), noSegments))).toEqual(tooLarge);
    expect(
      await answer(await POST(post("{}", { "content-length": String(MAX_BODY_BYTES + 1) }), noSegments)),
    ).toEqual(tooLarge);
    expect(handler).not.toHaveBeenCalled();
  });

  it("lets a raw-body route read its body within its own limit", async () => {
    const POST = withApi({ auth: "public", body: "raw", maxBodyBytes: 10 }, async ({ body }) => {
      expectTypeOf(body).toEqualTypeOf<RawBody>();
      return Response.json({ text: await body.text() });
    });
    expect(await (await POST(post("0123456789"), noSegments)).json()).toEqual({ text: "0123456789" });
    expect(await answer(await POST(post("0123456789a"), noSegments))).toEqual({
      status: 413,
      body: { error: { code: "payload_too_large", message: "body: at most 10 bytes per request" } },
    });
  });

  it("inflates a gzip or deflate body, bounding what it inflates to, and refuses one that is not", async () => {
    const POST = withApi({ auth: "public", body: "raw", maxBodyBytes: 1000 }, async ({ body }) =>
      Response.json({ bytes: (await body.bytes()).length }),
    );
    const encoded = (encoding: string, data: Uint8Array) =>
      new Request("http://alco.test/api/thing", {
        method: "POST",
        headers: { "content-encoding": encoding },
        body: Buffer.from(data),
      });
    const gzip = (n: number) => gzipSync(Buffer.alloc(n, "a"));
    expect(await (await POST(encoded("gzip", gzip(1000)), noSegments)).json()).toEqual({ bytes: 1000 });
    expect(await (await POST(encoded("deflate", deflateSync(Buffer.alloc(900))), noSegments)).json()).toEqual(
      { bytes: 900 },
    );
    // 1001 bytes inflated from a body of a few dozen.
    expect(await answer(await POST(encoded("gzip", gzip(1001)), noSegments))).toEqual({
      status: 413,
      body: {
        error: { code: "payload_too_large", message: "body: at most 1000 bytes per request, decompressed" },
      },
    });
    const notGzip = await answer(await POST(encoded("gzip", Buffer.from("plain")), noSegments));
    expect(notGzip.status).toBe(400);
    expect(notGzip.body.error.message).toMatch(/^body: not valid gzip/);
    const br = await answer(await POST(encoded("br", Buffer.from("x")), noSegments));
    expect(br.body.error.message).toBe("Content-Encoding br is not supported: send gzip, deflate or none");
  });

  it("parses the dynamic segments with the params schema", async () => {
    const DELETE = withApi({ auth: "public", params: z.object({ id: idParamSchema }) }, ({ params }) => {
      expectTypeOf(params.id).toEqualTypeOf<number>();
      return Response.json({ id: params.id });
    });
    const ok = await DELETE(new Request("http://alco.test/api/thing/17"), {
      params: Promise.resolve({ id: "17" }),
    });
    expect(await ok.json()).toEqual({ id: 17 });
    const bad = await answer(
      await DELETE(new Request("http://alco.test/api/thing/x"), { params: Promise.resolve({ id: "x" }) }),
    );
    expect(bad).toEqual({
      status: 400,
      body: { error: { code: "bad_request", message: "id: expected a number" } },
    });
  });

  it("answers 401 to a caller without credentials on a route that is not public", async () => {
    const handler = vi.fn(({ principal }: { principal: Principal }) =>
      Response.json({ kind: principal.kind }),
    );
    const GET = withApi({ auth: "read" }, handler);
    expect(await answer(await GET(new Request("http://alco.test/api/thing"), noSegments))).toEqual({
      status: 401,
      body: {
        error: {
          code: "unauthorized",
          message: "sign in, or send an API token as `Authorization: Bearer <token>`",
        },
      },
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it("maps a thrown ApiError or domain error to its status", async () => {
    const thrower = (err: Error) => withApi({ auth: "public" }, () => Promise.reject(err));
    const req = () => new Request("http://alco.test/api/thing");
    expect(
      await answer(await thrower(new ApiError("not_found", "no such thing"))(req(), noSegments)),
    ).toEqual({
      status: 404,
      body: { error: { code: "not_found", message: "no such thing" } },
    });
    expect(await answer(await thrower(new QuerySyntaxError("unclosed quote", 3))(req(), noSegments))).toEqual(
      {
        status: 400,
        body: { error: { code: "bad_request", message: "query: unclosed quote" } },
      },
    );
  });

  it("answers an unexpected error with a generic 500 that tells nothing of it", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const GET = withApi({ auth: "public" }, () => {
      throw new Error("connect ECONNREFUSED postgres://alco:hunter2@db.internal:5432");
    });
    const res = await GET(new Request("http://alco.test/api/thing"), noSegments);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: "internal error" } });
    expect(text).not.toMatch(/hunter2|ECONNREFUSED|db\.internal/);
    // The operator still sees what happened.
    expect(logged).toHaveBeenCalled();
  });

  it("types the principal by the route's access: none on a public route, always one otherwise", () => {
    withApi({ auth: "public" }, ({ principal, params, query, body }) => {
      expectTypeOf(principal).toEqualTypeOf<null>();
      expectTypeOf(params).toEqualTypeOf<Record<string, never>>();
      expectTypeOf(query).toEqualTypeOf<Record<string, never>>();
      expectTypeOf(body).toEqualTypeOf<undefined>();
      return new Response(null);
    });
    withApi({ auth: "admin" }, ({ principal }) => {
      expectTypeOf(principal).toEqualTypeOf<Principal>();
      return new Response(null);
    });
  });
});
