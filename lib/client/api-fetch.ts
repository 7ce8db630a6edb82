/**
 * The browser's one way to call alco's API: JSON in and out, an AbortSignal passed through, and every answer
 * outside 2xx turned into an ApiFailure that carries the API's own message from its error shape
 * `{ "error": { "code", "message" } }` (lib/api/errors.ts). The CLI has its own Node client and reads the same
 * shape with apiErrorOf. Free of server imports: client components import it. It lives outside lib/api, which is
 * the server's side of HTTP, so that the reader, the admin pages and the CLI import no server module through it.
 */

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API's error, when `body` (parsed JSON) has its shape. */
export function apiErrorOf(body: unknown): { code: string; message: string } | null {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof e?.code === "string" && typeof e.message === "string"
    ? { code: e.code, message: e.message }
    : null;
}

export type ApiRequest = {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** The message when the answer is not the API's error shape (a proxy's page, an older server). */
  failureMessage?: (status: number) => string;
};

/** The answer's JSON (undefined for 204); rejects with ApiFailure, or fetch's own error when nothing answered. */
export async function apiFetch<T>(url: string, req: ApiRequest = {}): Promise<T> {
  const res = await fetch(url, {
    method: req.method ?? "GET",
    signal: req.signal,
    headers: {
      accept: "application/json",
      ...(req.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
  });
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = apiErrorOf(body);
    throw new ApiFailure(
      res.status,
      e?.code ?? "error",
      e?.message ?? req.failureMessage?.(res.status) ?? `request failed with ${res.status}`,
    );
  }
  return body as T;
}
