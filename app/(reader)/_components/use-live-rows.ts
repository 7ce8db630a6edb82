"use client";

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import {
  comparePositions,
  cursorOf,
  decodeCursor,
  positionOf,
  timeCursor,
  type Cursor,
} from "@/lib/query/cursor";
import { parseTimeParam } from "@/lib/query/time-range";
import type { LogRecord } from "@/lib/query/wire";
import { searchParamsFor, type ReaderState } from "@/lib/reader/url-state";
import { useLiveTail, type LiveStatus } from "./use-live-tail";

/** Live lines kept (and rendered, virtualized) at most; older ones are let go with a note. */
export const LIVE_KEEP = 50_000;

type LiveRows = { rows: LogRecord[]; trimmed: number };
type LiveAction = { type: "add"; newestFirst: LogRecord[] } | { type: "reset" };

function liveReducer(s: LiveRows, a: LiveAction): LiveRows {
  if (a.type === "reset") return s.rows.length || s.trimmed ? { rows: [], trimmed: 0 } : s;
  const rows = a.newestFirst.concat(s.rows);
  if (rows.length <= LIVE_KEEP) return { rows, trimmed: s.trimmed };
  return { rows: rows.slice(0, LIVE_KEEP), trimmed: s.trimmed + rows.length - LIVE_KEEP };
}

/**
 * Live tail (`live=1`, like less +F): once the list is loaded, lines newer than its newest one stream in above
 * it. While the reader has scrolled down they wait (the view stays still) and a badge counts them. `records`
 * is what the list shows: the streamed lines above the loaded ones, or the loaded ones alone while live is off.
 */
export function useLiveRows({
  logger,
  state,
  baseKey,
  loaded,
  loadedSettled,
}: {
  logger: string;
  state: ReaderState;
  baseKey: string;
  /** The loaded pages' lines, newest first. */
  loaded: LogRecord[];
  /** The pages have loaded and nothing is being fetched. */
  loadedSettled: boolean;
}): {
  records: LogRecord[];
  /** Live is asked for and streaming from its anchor. */
  liveOn: boolean;
  /** Lines streamed in and shown, and those let go beyond LIVE_KEEP. */
  live: LiveRows;
  /** Lines that arrived while the reader was away from the top. */
  pendingCount: number;
  liveStatus: LiveStatus;
  onAwayFromTop: (isAway: boolean) => void;
  /** Back at the top: show the waiting lines and keep the new ones coming in. */
  resume: () => void;
} {
  const liveKey = state.live ? baseKey : "";
  const [anchor, setAnchor] = useState<string | null>(null);
  const [live, dispatchLive] = useReducer(liveReducer, { rows: [], trimmed: 0 });
  const pending = useRef<LogRecord[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  const newest = useRef<Cursor | null>(null);
  const away = useRef(false);
  useEffect(() => {
    setAnchor(null);
    dispatchLive({ type: "reset" });
    pending.current = [];
    setPendingCount(0);
    newest.current = null;
    away.current = false;
  }, [liveKey]);
  const liveReady = state.live && loadedSettled;
  useEffect(() => {
    if (!liveReady || anchor !== null) return;
    const first = loaded[0];
    // Nothing matched in the range: everything after its start is new.
    const fallback = timeCursor(Math.max(0, (parseTimeParam(state.from, Date.now()) ?? 1) - 1));
    const at = first ? cursorOf(first) : fallback;
    newest.current = decodeCursor(at);
    setAnchor(at);
  }, [liveReady, anchor, loaded, state.from]);
  const liveOn = state.live && anchor !== null;
  const onLines = useCallback((oldestFirst: LogRecord[]) => {
    const fresh: LogRecord[] = [];
    // The stream never repeats a line or goes back; this guards the seam with the loaded pages all the same.
    for (const r of oldestFirst) {
      if (newest.current && comparePositions(r, newest.current) <= 0) continue;
      newest.current = positionOf(r);
      fresh.push(r);
    }
    if (fresh.length === 0) return;
    fresh.reverse();
    if (away.current) {
      pending.current = fresh.concat(pending.current).slice(0, LIVE_KEEP);
      setPendingCount((n) => n + fresh.length);
    } else {
      dispatchLive({ type: "add", newestFirst: fresh });
    }
  }, []);
  const liveParams = useMemo(
    () => searchParamsFor({ q: state.q, filters: state.filters, from: "", to: "" }),
    [state.q, state.filters],
  );
  const liveStatus = useLiveTail({
    logger,
    params: liveParams,
    after: liveOn ? anchor : null,
    onLines,
  });
  const releasePending = useCallback(() => {
    if (pending.current.length === 0) return;
    dispatchLive({ type: "add", newestFirst: pending.current });
    pending.current = [];
    setPendingCount(0);
  }, []);
  const onAwayFromTop = useCallback(
    (isAway: boolean) => {
      away.current = isAway;
      if (!isAway) releasePending();
    },
    [releasePending],
  );
  const resume = useCallback(() => {
    away.current = false;
    releasePending();
  }, [releasePending]);

  const records = useMemo(() => {
    if (!liveOn || !anchor) return loaded;
    if (live.trimmed > 0) return live.rows;
    // Pages refetched after the anchor was taken may hold lines the stream also sends.
    const at = decodeCursor(anchor)!;
    let i = 0;
    while (i < loaded.length && comparePositions(loaded[i]!, at) > 0) i++;
    const older = i > 0 ? loaded.slice(i) : loaded;
    return live.rows.length ? live.rows.concat(older) : older;
  }, [liveOn, anchor, loaded, live]);

  return { records, liveOn, live, pendingCount, liveStatus, onAwayFromTop, resume };
}
