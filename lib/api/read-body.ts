/**
 * The one place a request body is read, so that every route refuses an oversized body the same way: by its
 * declared Content-Length before reading anything, and by what actually arrived when that header lies or is absent.
 */
import "server-only";
import { gunzipSync, inflateSync } from "node:zlib";
import { ApiError } from "./errors";

/** Request bodies are small JSON objects (saved searches, settings); anything bigger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A body the route reads itself (NDJSON batches, protobuf), within the route's own bound, decompressed as its
 * Content-Encoding says (gzip or deflate: what log shippers send).
 */
export type RawBody = { text(): Promise<string>; bytes(): Promise<Buffer> };

async function readBodyText(req: Request, maxBytes: number, tooLarge: string): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new ApiError("payload_too_large", tooLarge);
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ApiError("payload_too_large", tooLarge);
  return text;
}

/**
 * The body's bytes, decompressed: the bound holds for what arrives and again for what it inflates to, so that a
 * small compressed body cannot expand into memory without limit.
 */
async function readBodyBytes(req: Request, maxBytes: number, tooLarge: string): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new ApiError("payload_too_large", tooLarge);
  const sent = Buffer.from(await req.arrayBuffer());
  if (sent.length > maxBytes) throw new ApiError("payload_too_large", tooLarge);
  const encoding = (req.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return sent;
  const inflate =
    encoding === "gzip" || encoding === "x-gzip" ? gunzipSync : encoding === "deflate" ? inflateSync : null;
  if (!inflate)
    throw new ApiError(
      "bad_request",
      `Content-Encoding ${encoding} is not supported: send gzip, deflate or none`,
    );
  try {
    return inflate(sent, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new ApiError("payload_too_large", `${tooLarge}, decompressed`);
    throw new ApiError("bad_request", `body: not valid ${encoding} (${(err as Error).message})`);
  }
}

/**
 * Read only when the route asks, so that a route can refuse the request (an unknown index) before a large body is
 * read. A raw body is a batch a client can split, hence the limit is said per request.
 */
export function rawBody(req: Request, maxBytes: number): RawBody {
  const tooLarge = `body: at most ${maxBytes} bytes per request`;
  return {
    text: async () => (await readBodyBytes(req, maxBytes, tooLarge)).toString("utf8"),
    bytes: () => readBodyBytes(req, maxBytes, tooLarge),
  };
}

/** An HTML form's fields (application/x-www-form-urlencoded), within the same size bound as JSON bodies. */
export async function readFormBody(req: Request): Promise<Record<string, string>> {
  const text = await readBodyText(req, MAX_BODY_BYTES, `body: at most ${MAX_BODY_BYTES} bytes`);
  return Object.fromEntries(new URLSearchParams(text));
}

export async function readJsonBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(req, maxBytes, `body: at most ${maxBytes} bytes`);
  if (text.trim() === "") throw new ApiError("bad_request", "body: expected a JSON object, got nothing");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "body: not valid JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ApiError("bad_request", "body: expected a JSON object");
  return value;
}
