/**
 * Follows a server-sent events stream for as long as the caller wants: reconnects by itself when the connection
 * drops, ends, or goes quiet for longer than the server's keepalives allow, waiting 250 ms doubling to 10 s
 * between attempts (a `retry` from the server sets the first wait), and sends the last event id it saw as
 * `Last-Event-ID` so that the server resumes right after it. Answers that trying again cannot fix (400, 401,
 * 403, 404, or not an event stream) end it with their error.
 */
import { backoffDelay } from "@/lib/retry/backoff-delay";
import { CliError } from "./cli-errors";
import { HttpError, NetworkError, type AlcoClient, type Params } from "./http-client";
import { SseParser, type SseMessage } from "@/lib/live/sse-parser";

export type FollowOptions = {
  client: AlcoClient;
  path: string;
  /** Query parameters; `lastId` is added as `after` when `afterParam` accepts it. */
  params: Params;
  /** Whether an event id may also go into the URL as `after` (it must be a cursor there). */
  afterParam?: (id: string) => boolean;
  lastId?: string;
  onEvent: (event: SseMessage) => void;
  /** Reconnect notices. */
  log: (line: string) => void;
  signal: AbortSignal;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** With no bytes for this long (keepalives included) the connection is taken as dead. */
  idleTimeoutMs?: number;
};

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

class Idle extends Error {}

/** undici reports a dropped body as `terminated`, the reason in its cause. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : "";
  return cause && cause !== err.message ? `${err.message}: ${cause}` : err.message;
}

/** Resolves when `signal` aborts; rejects only with an error that reconnecting cannot fix. */
export async function followLive(opts: FollowOptions): Promise<void> {
  const firstDelay = opts.firstDelayMs ?? 250;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  let lastId = opts.lastId ?? "";
  let baseDelay = firstDelay;
  let attempt = 0;

  while (!opts.signal.aborted) {
    attempt++;
    const idle = new AbortController();
    let idleTimer: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(new Idle()), idleMs);
    };
    let reason: string;
    try {
      touch();
      const params: Params = { ...opts.params };
      if (lastId && (opts.afterParam?.(lastId) ?? false)) params.after = lastId;
      const res = await opts.client.request(opts.path, params, {
        headers: { accept: "text/event-stream", ...(lastId ? { "last-event-id": lastId } : {}) },
        signal: AbortSignal.any([opts.signal, idle.signal]),
      });
      if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
        await res.body?.cancel();
        throw new CliError(`${opts.path} did not answer with an event stream`);
      }
      if (attempt > 1) opts.log(`reconnected to ${opts.client.baseUrl}`);
      attempt = 1;
      const parser = new SseParser(lastId);
      const decoder = new TextDecoder();
      if (!res.body) throw new Error("empty response");
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        touch();
        for (const item of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (item.kind !== "event") continue;
          if (item.retry !== undefined) baseDelay = Math.max(firstDelay, item.retry);
          opts.onEvent(item);
          lastId = item.id;
        }
      }
      reason = "the server closed the stream";
    } catch (err) {
      if (opts.signal.aborted) break;
      if (err instanceof HttpError && !RETRYABLE.has(err.status)) throw err;
      if (err instanceof CliError && !(err instanceof HttpError) && !(err instanceof NetworkError)) throw err;
      reason = idle.signal.aborted ? `nothing received for ${Math.round(idleMs / 1000)} s` : describe(err);
    } finally {
      clearTimeout(idleTimer);
    }
    if (opts.signal.aborted) break;
    // A server's `retry:` above the cap is still honoured.
    const delay = backoffDelay(attempt - 1, {
      initialDelayMs: baseDelay,
      maxDelayMs: Math.max(maxDelay, baseDelay),
    });
    const wait = delay < 1000 ? `${delay} ms` : `${Math.round(delay / 100) / 10} s`;
    opts.log(`live stream lost (${reason}); reconnecting in ${wait} (attempt ${attempt + 1})`);
    await sleep(delay, opts.signal);
  }
}
