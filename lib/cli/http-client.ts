/**
 * The CLI's HTTP side: alco's API with a bearer token, every failure turned into one line a person can act on:
 * `401 unauthorized: sign in, or send an API token …` from the API's error shape, or `cannot reach <url>:
 * ECONNREFUSED` when nothing answers.
 */
import { apiErrorOf } from "@/lib/client/api-fetch";
import { CliError } from "./cli-errors";

export type Params = Record<string, string | number | string[] | undefined>;

export type ClientOptions = { baseUrl: string; token?: string; fetch?: typeof fetch };

/** How long a plain request may take before the CLI gives up on it. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** An answer with a status outside 2xx; `status` tells whether trying again could help. */
export class HttpError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Nothing answered (refused, unresolvable, reset): trying again later may help. */
export class NetworkError extends CliError {}

/**
 * Why a fetch failed: the system error code under it (undici nests it, sometimes in an AggregateError), else
 * the innermost message (`bad port`).
 */
function networkReason(err: unknown): string {
  let e: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const o = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof o.code === "string") return o.code;
    if (typeof o.message === "string" && o.message) message = o.message;
    e = o.cause ?? o.errors?.[0];
  }
  return message;
}

export function normalizeBaseUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`not a URL: ${JSON.stringify(raw)} (expected http://host:port)`, 2);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new CliError(`not an http(s) URL: ${JSON.stringify(raw)}`, 2);
  return u.toString().replace(/\/+$/, "");
}

async function errorFromResponse(res: Response): Promise<HttpError> {
  const text = await res.text().catch(() => "");
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page, an older server): said below as what was asked and what came back.
  }
  const error = apiErrorOf(body);
  if (error) return new HttpError(res.status, `${res.status} ${error.code}: ${error.message}`);
  const path = new URL(res.url || "http://x/").pathname;
  return new HttpError(res.status, `${res.status} ${res.statusText || "error"} from ${path}`.trim());
}

export class AlcoClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(opts: ClientOptions) {
    this.baseUrl = normalizeBaseUrl(opts.baseUrl);
    this.token = opts.token;
    this.fetchFn = opts.fetch ?? fetch;
  }

  url(path: string, params: Params = {}): URL {
    const u = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) continue;
      for (const x of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(x));
    }
    return u;
  }

  /** A GET with the token; throws HttpError for a non-2xx answer, CliError when the server cannot be reached. */
  async request(
    path: string,
    params: Params = {},
    init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.url(path, params), { headers, signal: init.signal });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new NetworkError(`cannot reach ${this.baseUrl}: ${networkReason(err)}`);
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  async getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const res = await this.request(path, params, { headers: { accept: "application/json" }, signal: both });
      return (await res.json()) as T;
    } catch (err) {
      if (timeout.aborted && !signal?.aborted)
        throw new CliError(`${this.baseUrl}${path} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
      throw err;
    }
  }
}
