"use client";

import { useEffect, useRef, useState } from "react";
import type { LogRecord } from "@/lib/query/wire";
import { liveUrl } from "@/lib/reader/api-client";

export type LiveState = "off" | "connecting" | "live" | "reconnecting";
export type LiveStatus = { state: LiveState; dropped: number };

const FLUSH_MS = 200;

/**
 * Follows a query's new lines over Server-Sent Events. Lines are buffered in a ref and handed over every
 * FLUSH_MS, oldest first, so a burst costs one render. A dropped connection is resumed by EventSource itself
 * with `Last-Event-ID` (the server back-fills exactly what was missed); when the browser gives up (the server
 * answered with an error), a new EventSource starts after the last line received, with backoff.
 */
export function useLiveTail({
  logger,
  params,
  after,
  onLines,
}: {
  logger: string;
  /** The grep parameters (q and filters are used). */
  params: URLSearchParams;
  /** Cursor of the newest line already shown; null while live is off or the list is not loaded. */
  after: string | null;
  onLines: (oldestFirst: LogRecord[]) => void;
}): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>({ state: "off", dropped: 0 });
  const deliver = useRef(onLines);
  deliver.current = onLines;
  const paramsKey = params.toString();

  useEffect(() => {
    if (after === null) {
      setStatus({ state: "off", dropped: 0 });
      return;
    }
    setStatus({ state: "connecting", dropped: 0 });
    const sp = new URLSearchParams(paramsKey);
    let buffer: LogRecord[] = [];
    let lastId = after;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      const es = new EventSource(liveUrl(logger, sp, lastId));
      source = es;
      es.addEventListener("records", (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { records: LogRecord[] };
        for (const r of data.records) buffer.push(r);
        lastId = (e as MessageEvent<string>).lastEventId || lastId;
      });
      es.addEventListener("ready", () => {
        failures = 0;
        setStatus((s) => ({ ...s, state: "live" }));
      });
      es.addEventListener("sampled", (e) => {
        const { dropped } = JSON.parse((e as MessageEvent<string>).data) as { dropped: number };
        setStatus((s) => ({ ...s, dropped: s.dropped + dropped }));
      });
      es.onerror = () => {
        if (stopped) return;
        setStatus((s) => ({ ...s, state: "reconnecting" }));
        if (es.readyState !== EventSource.CLOSED) return;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(failures++, 5));
        retry = setTimeout(connect, delay);
      };
    };
    connect();
    const flush = setInterval(() => {
      if (buffer.length === 0) return;
      const lines = buffer;
      buffer = [];
      deliver.current(lines);
    }, FLUSH_MS);

    return () => {
      stopped = true;
      source?.close();
      if (retry) clearTimeout(retry);
      clearInterval(flush);
    };
  }, [logger, paramsKey, after]);

  return status;
}
