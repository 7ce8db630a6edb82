"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { fetchPage } from "@/lib/reader/api-client";

/** How often an index without a single line asks whether its first one has arrived. */
export const FIRST_LINE_CHECK_MS = 5_000;

/**
 * Whether the index itself has no line at all, asked while the list is empty: one line of the whole index (no
 * query, no range), then the same small request every FIRST_LINE_CHECK_MS while the answer is none. An empty
 * list of an index that has lines is only a question nothing matches, and is asked once. `onArrived` runs when
 * the first line is there, to load the list; `checking`: the first answer is awaited.
 */
export function useFirstLine({
  logger,
  enabled,
  onArrived,
}: {
  logger: string;
  enabled: boolean;
  onArrived: () => void;
}): { empty: boolean; checking: boolean } {
  const check = useQuery({
    queryKey: ["first-line", logger],
    queryFn: ({ signal }) => fetchPage(logger, new URLSearchParams({ limit: "1" }), signal),
    enabled,
    refetchInterval: (q) => (q.state.data?.records.length === 0 ? FIRST_LINE_CHECK_MS : false),
    refetchIntervalInBackground: false,
    staleTime: 0,
    retry: false,
  });
  const found = check.data ? check.data.records.length > 0 : undefined;
  const wasEmpty = useRef(false);
  const arrived = useRef(onArrived);
  arrived.current = onArrived;
  useEffect(() => {
    if (found === false) wasEmpty.current = true;
    else if (found && wasEmpty.current) {
      wasEmpty.current = false;
      arrived.current();
    }
  }, [found]);
  // Until the first answer, an empty list cannot say which of the two it is.
  return { empty: enabled && found === false, checking: enabled && found === undefined && !check.isError };
}
