/**
 * A live session as an HTTP response body: the SSE endpoint's events or /stream's text lines. The body is a
 * stream with a 1 MiB high-water mark: while the client does not read, the session holds (and then drops) lines
 * instead of queueing them here. The session ends when the client goes away (the request's signal, or the body
 * cancelled): its queue is deleted and every timer stopped.
 */
import "server-only";
import { AppError } from "@/lib/errors/app-error";
import { env } from "@/lib/env";
import { encodeCursor } from "@/lib/query/cursor";
import { BrokerUnavailableError, liveHub } from "./live-hub";
import { LiveSession, type LiveItem, type LiveSessionOptions, type LiveSource } from "./live-session";
import { SSE_KEEPALIVE, sseEvent, sseRecords } from "./sse-format";
import { STREAM_KEEPALIVE, streamLine, streamNote } from "./stream-format";

export const KEEPALIVE_MS = 15_000;
const HIGH_WATER_BYTES = 1024 * 1024;

/** How a session's output is written. */
type Writer = {
  records: (items: LiveItem[], lastCursor: string) => string;
  sampled: (dropped: number) => string;
  ready: () => string;
  keepalive: string;
  /** Keepalive only after this long without output (otherwise on a fixed period). */
  idleOnly: boolean;
};

export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
  "x-content-type-options": "nosniff",
} as const;

export const TEXT_STREAM_HEADERS = {
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-store",
  "x-accel-buffering": "no",
  "x-content-type-options": "nosniff",
} as const;

export const sseWriter: Writer = {
  records: (items, last) =>
    sseRecords(
      items.map((i) => i.record),
      last,
    ),
  sampled: (dropped) => sseEvent("sampled", { dropped }),
  ready: () => sseEvent("ready", {}),
  keepalive: SSE_KEEPALIVE,
  idleOnly: false,
};

export function textWriter(apps: string[], maxLinesPerSec: number): Writer {
  return {
    records: (items) => items.map((i) => streamLine(i.index, i.record)).join(""),
    sampled: (dropped) =>
      streamNote(
        `${dropped} lines not shown (over ${maxLinesPerSec} lines/s, or arrived too late to keep time order)`,
      ),
    ready: () => streamNote(`following ${apps.join(", ")}`),
    keepalive: STREAM_KEEPALIVE,
    idleOnly: true,
  };
}

/** The session settings from the environment (docs/OPERATIONS.md "Live tails"). */
export function liveSettings(): Pick<
  LiveSessionOptions,
  "reorderMs" | "maxLinesPerSec" | "backfillMax" | "bufferMax"
> {
  return {
    reorderMs: env.LIVE_REORDER_MS,
    maxLinesPerSec: env.LIVE_MAX_LINES_PER_SEC,
    backfillMax: env.LIVE_BACKFILL_MAX,
    bufferMax: env.LIVE_BUFFER_MAX,
  };
}

/**
 * Opens the session (subscribed and back-filled, or an AppError: `unavailable` when the broker is unreachable)
 * and returns the body to stream.
 */
export async function openLiveBody(args: {
  source: LiveSource;
  writer: Writer;
  /** The client's request: the session ends when its signal aborts. */
  request: Request;
  options: Omit<LiveSessionOptions, "reorderMs" | "maxLinesPerSec" | "backfillMax" | "bufferMax"> &
    Partial<LiveSessionOptions>;
}): Promise<ReadableStream<Uint8Array>> {
  const { writer, request } = args;
  // Held, not just its signal: undici's Request forwards an abort only while the Request itself is alive.
  const signal = request.signal;
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let lastWrite = Date.now();
  let keepalive: NodeJS.Timeout | null = null;
  let ended = false;
  const write = (text: string) => {
    if (ended || text === "") return;
    lastWrite = Date.now();
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      void end();
    }
  };
  const session = new LiveSession(
    liveHub(),
    args.source,
    {
      records: (items, last) => write(writer.records(items, encodeCursor(last))),
      sampled: (n) => write(writer.sampled(n)),
      ready: () => write(writer.ready()),
      writable: () => (controller.desiredSize ?? 0) > 0,
    },
    { ...liveSettings(), ...args.options },
  );
  const end = async () => {
    if (ended) return;
    ended = true;
    if (keepalive) clearInterval(keepalive);
    request.signal.removeEventListener("abort", onAbort);
    await session.close();
    try {
      controller.close();
    } catch {
      // Already closed or errored by the client going away.
    }
  };
  const onAbort = () => void end();
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel: () => end(),
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
  signal.addEventListener("abort", onAbort);
  try {
    if (signal.aborted) throw new AppError("bad_request", "the client went away");
    await session.open();
  } catch (err) {
    await end();
    if (err instanceof BrokerUnavailableError) {
      console.error(`[live] ${err.message}`);
      throw new AppError(
        "unavailable",
        "live tail unavailable: the message broker is not reachable right now",
      );
    }
    throw err;
  }
  const period = KEEPALIVE_MS;
  if (ended) return body;
  keepalive = setInterval(
    () => {
      if (!writer.idleOnly || Date.now() - lastWrite >= period) write(writer.keepalive);
    },
    writer.idleOnly ? Math.min(1000, period) : period,
  );
  return body;
}
