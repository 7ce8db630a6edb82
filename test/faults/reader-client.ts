/**
 * The reader API and live tails of a running web app as an HTTP client sees them, for the fault tests that count
 * what a user gets back during and after an outage.
 */
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import { SseParser } from "@/lib/live/sse-parser";

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Auth = { bearer: string } | { cookie: string };

export function authHeaders(auth: Auth): Record<string, string> {
  return "bearer" in auth ? { authorization: `Bearer ${auth.bearer}` } : { cookie: auth.cookie };
}

export type Answer<T> = { status: number; body: T | null; text: string; ms: number };

/**
 * A request to the web app as a client sends it (a cookie write with the Origin a browser adds); the status, the
 * parsed JSON body (null when it is not JSON), the text and how long the answer took.
 */
export async function getJson<T>(
  baseUrl: string,
  path: string,
  auth: Auth | "anonymous",
  init: { method?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer<T>> {
  const started = Date.now();
  const headers: Record<string, string> = auth === "anonymous" ? {} : authHeaders(auth);
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (init.method && init.method !== "GET") headers.origin = baseUrl;
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    redirect: "manual",
    signal: AbortSignal.timeout(init.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let body: T | null = null;
  try {
    body = JSON.parse(text) as T;
  } catch {
    body = null;
  }
  return { status: res.status, body, text, ms: Date.now() - started };
}

/** Every record of an index through GET /api/grep/<index>, newest first, page by page. */
export async function grepAll(baseUrl: string, auth: Auth, index: string): Promise<LogRecord[]> {
  const all: LogRecord[] = [];
  for (let before: string | null = null; ;) {
    const query: URLSearchParams = new URLSearchParams({ limit: "1000", ...(before ? { before } : {}) });
    const { status, body, text }: Answer<GrepResult> = await getJson<GrepResult>(
      baseUrl,
      `/api/grep/${index}?${query}`,
      auth,
    );
    if (status !== 200 || !body) throw new Error(`grep ${index} answered ${status}: ${text.slice(0, 300)}`);
    all.push(...body.records);
    before = body.cursors.older;
    if (!before || body.records.length === 0) return all;
  }
}

/** The numbers `n` of an index's records (field `n`, else the last number in the message), sorted. */
export function numbersOf(records: LogRecord[]): number[] {
  return records
    .map((r) =>
      typeof r.fields.n === "number" ? r.fields.n : Number(/(\d+)\D*$/.exec(r.message)?.[1] ?? NaN),
    )
    .sort((a, b) => a - b);
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export type LiveTail = {
  /** Every record shown, in order, with when it arrived. */
  shown: { at: number; record: LogRecord }[];
  events: { at: number; event: string }[];
  /** Set when the stream ended or failed. */
  ended: () => string | null;
  close: () => void;
};

/** Follows GET /api/grep/<index>/live as an EventSource would, collecting what it shows. */
export async function openLiveTail(baseUrl: string, auth: Auth, index: string): Promise<LiveTail> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/grep/${index}/live`, {
    headers: { ...authHeaders(auth), accept: "text/event-stream" },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body)
    throw new Error(`live tail answered ${res.status}: ${await res.text()}`);
  const tail: LiveTail = { shown: [], events: [], ended: () => endedWith, close: () => abort.abort() };
  let endedWith: string | null = null;
  const parser = new SseParser();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const m of parser.events(decoder.decode(chunk, { stream: true }))) {
          const at = Date.now();
          tail.events.push({ at, event: m.event });
          if (m.event === "records")
            for (const record of (JSON.parse(m.data) as { records: LogRecord[] }).records)
              tail.shown.push({ at, record });
        }
      }
      endedWith = "the stream ended";
    } catch (err) {
      endedWith = abort.signal.aborted ? "closed" : `the stream failed: ${(err as Error).message}`;
    }
  })();
  return tail;
}
