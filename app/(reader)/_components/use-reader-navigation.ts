"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useRef } from "react";
import { readState, searchParamsFor, writeState, type ReaderState } from "@/lib/reader/url-state";

/**
 * `push` a new question into history, `replace` the current entry, or `quiet`: replace it in the browser's
 * history alone. The router and useSearchParams follow a native replaceState without asking the server for the
 * page again, so the focus can move at key-repeat speed without a request per key.
 */
export type Navigate = (patch: Partial<ReaderState>, mode?: "push" | "replace" | "quiet") => void;

/**
 * The reader's state as the URL holds it, the grep parameters it asks the API with, and the one way to change
 * it. New questions go into history; moving the focus only replaces the current entry. Patches apply to the
 * latest state (a ref), so a delayed write never undoes one made after it was scheduled.
 */
export function useReaderNavigation(): {
  state: ReaderState;
  base: URLSearchParams;
  /** `base` as a string: a stable key for queries and effects. */
  baseKey: string;
  navigate: Navigate;
} {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const state = useMemo(() => readState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const base = useMemo(() => searchParamsFor(state), [state]);
  const baseKey = base.toString();

  const latest = useRef(state);
  const seenState = useRef(state);
  if (seenState.current !== state) {
    seenState.current = state;
    latest.current = state;
  }
  const navigate = useCallback<Navigate>(
    (patch, mode = "push") => {
      const nextState = { ...latest.current, ...patch };
      latest.current = nextState;
      const next = writeState(nextState).toString();
      const url = next ? `${pathname}?${next}` : pathname;
      if (mode === "push") router.push(url, { scroll: false });
      else if (mode === "quiet") window.history.replaceState(null, "", url);
      else router.replace(url, { scroll: false });
    },
    [pathname, router],
  );
  return { state, base, baseKey, navigate };
}
