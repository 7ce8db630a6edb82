"use client";

import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { cursorOf } from "@/lib/query/cursor";
import type { LogRecord } from "@/lib/query/wire";
import type { ReaderState } from "@/lib/reader/url-state";
import type { Navigate } from "./use-reader-navigation";
import type { VirtualLogHandle } from "./virtual-log";

/**
 * The focused line. It moves at key-repeat speed, faster than a router round trip: held here, mirrored to the
 * URL. It is read from the URL when the list changes (a new query, a reload); the router's later echo of our
 * own writes must not move it back.
 */
export function useFocusCursor({
  state,
  baseKey,
  navigate,
  records,
  list,
}: {
  state: ReaderState;
  baseKey: string;
  navigate: Navigate;
  records: LogRecord[];
  list: RefObject<VirtualLogHandle | null>;
}): {
  /** The focused line's index in `records`, -1 for none. */
  focusedIndex: number;
  /** Focus the line one down (+1) or up (-1) from the focused one, and scroll to it; up from none is the first. */
  step: (by: 1 | -1) => void;
  /** Focus this line without scrolling (it was clicked). */
  select: (r: LogRecord) => void;
} {
  const [focusCursor, setFocusCursor] = useState(state.focus);
  const urlFocus = useRef(state.focus);
  urlFocus.current = state.focus;
  useEffect(() => setFocusCursor(urlFocus.current), [baseKey, state.start]);
  const focusWrite = useRef<ReturnType<typeof setTimeout> | null>(null);
  const writeFocus = useCallback(
    (cursor: string) => {
      setFocusCursor(cursor);
      if (focusWrite.current) clearTimeout(focusWrite.current);
      focusWrite.current = setTimeout(() => navigate({ focus: cursor }, "quiet"), 150);
    },
    [navigate],
  );
  const focusedIndex = focusCursor ? records.findIndex((r) => cursorOf(r) === focusCursor) : -1;
  const focusedRef = useRef(focusedIndex);
  focusedRef.current = focusedIndex;

  const focus = useCallback(
    (i: number) => {
      const idx = Math.max(0, Math.min(records.length - 1, i));
      const r = records[idx];
      if (!r) return;
      focusedRef.current = idx;
      writeFocus(cursorOf(r));
      list.current?.scrollToIndex(idx);
    },
    [records, writeFocus, list],
  );
  const step = useCallback(
    (by: 1 | -1) =>
      focus(by === 1 ? focusedRef.current + 1 : focusedRef.current < 0 ? 0 : focusedRef.current - 1),
    [focus],
  );
  const select = useCallback((r: LogRecord) => writeFocus(cursorOf(r)), [writeFocus]);
  return { focusedIndex, step, select };
}
