"use client";

import { useQuery } from "@tanstack/react-query";
import { cursorOf } from "@/lib/query/cursor";
import type { LogRecord } from "@/lib/query/wire";
import { fetchPage } from "@/lib/reader/api-client";

/** How often a list at the newest line asks whether newer lines have arrived. */
export const NEWER_CHECK_MS = 5_000;

/**
 * Lines newer than the top of a list that was loaded at the newest line of an open range (`to` empty), counted
 * every NEWER_CHECK_MS with one small request (a page of one line after the top): the list itself stays where the
 * reader is, and a bar says how many wait. `atLeast`: the engine counted only the part of the range it read.
 */
export function useNewerLines({
  logger,
  base,
  baseKey,
  top,
  enabled,
}: {
  logger: string;
  base: URLSearchParams;
  baseKey: string;
  top: LogRecord | undefined;
  enabled: boolean;
}): { count: number; atLeast: boolean } {
  const after = top ? cursorOf(top) : "";
  const check = useQuery({
    queryKey: ["newer", logger, baseKey, after],
    queryFn: ({ signal }) => {
      const sp = new URLSearchParams(base);
      sp.set("after", after);
      sp.set("limit", "1");
      // Up to now: the count of one day's table is exact, where an open end would also reach tomorrow's table
      // (kept for clocks that run ahead) and come back as "at least".
      sp.set("to", String(Date.now()));
      return fetchPage(logger, sp, signal);
    },
    enabled: enabled && after !== "",
    refetchInterval: NEWER_CHECK_MS,
    refetchIntervalInBackground: false,
    // The first check waits one interval: the list was loaded just now.
    initialData: {
      records: [],
      cursors: { older: null, newer: null },
      total: 0,
      totalComplete: true,
      tookMs: 0,
    },
    initialDataUpdatedAt: () => Date.now(),
    staleTime: NEWER_CHECK_MS,
    retry: false,
  });
  const data = enabled ? check.data : undefined;
  return { count: data?.total ?? 0, atLeast: data ? !data.totalComplete : false };
}
