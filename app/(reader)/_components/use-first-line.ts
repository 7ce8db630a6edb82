"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { fetchPage } from "@/lib/reader/api-client";

/** How often an index without a single line asks whether its first one has arrived. */
export const FIRST_LINE_CHECK_MS = 5_000;

/**
 * Whether the index itself has no line at all, asked while the list is empty: one line of the whole index (no
 * query, no range), then the same small request every FIRST_LINE_CHECK_MS while the answer is none. An empty
 * list of an index that has lines is only a question nothing matches, and is asked once.
 *
 * `onArrived` runs when the first line is there, to load the list; `empty` holds until what it returns settles,
 * so that the list does not say "nothing matches" in between. `checking`: the first answer is awaited.
 */
export function useFirstLine({
  logger,
  enabled,
  onArrived,
}: {
  logger: string;
  enabled: boolean;
  onArrived: () => Promise<unknown> | void;
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
  const [sawEmpty, setSawEmpty] = useState(false);
  const arrived = useRef(onArrived);
  arrived.current = onArrived;
  useEffect(() => {
    if (found === false) setSawEmpty(true);
    else if (found && sawEmpty) void Promise.resolve(arrived.current()).finally(() => setSawEmpty(false));
  }, [found, sawEmpty]);
  return {
    empty: enabled && (found === false || (found === true && sawEmpty)),
    checking: enabled && found === undefined && !check.isError,
  };
}
