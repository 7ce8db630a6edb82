"use client";

import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import { useMemo, useRef } from "react";
import { decodeCursor, isCursorShaped, justAfter, timeCursor } from "@/lib/query/cursor";
import { parseTimeParam } from "@/lib/query/time-range";
import type { GrepResult } from "@/lib/query/wire";
import { fetchFacets, fetchHistogram, fetchPage } from "@/lib/reader/api-client";
import type { ReaderState } from "@/lib/reader/url-state";

const PAGE_SIZE = 200;

type PageParam = { before?: string; after?: string };

function initialParam(state: ReaderState, anchor: string): PageParam {
  const line = decodeCursor(anchor);
  if (line) return { before: justAfter(line) };
  if (state.start === "oldest") {
    const from = parseTimeParam(state.from, Date.now()) ?? 0;
    return { after: timeCursor(Math.max(0, from - 1)) };
  }
  if (isCursorShaped(state.start)) return { before: state.start };
  return {};
}

/**
 * What the reader asks the API for one state: the pages of lines (from `start`, both ways), the histogram and
 * the facets; `loaded` is the pages' lines, newest first.
 */
export function useReaderQueries({
  logger,
  state,
  base,
  baseKey,
}: {
  logger: string;
  state: ReaderState;
  base: URLSearchParams;
  baseKey: string;
}) {
  // A link to a line opens on that line: the question's first page starts at the focused line, not the newest,
  // however far down it was. Only the focus the question was opened with counts; moving it later (j/k) is not a
  // new question and loads nothing.
  const focus = useRef(state.focus);
  focus.current = state.focus;
  const anchor = useMemo(() => (state.start ? "" : focus.current), [baseKey, state.start]);
  const pages = useInfiniteQuery<GrepResult, Error, InfiniteData<GrepResult, PageParam>, string[], PageParam>(
    {
      queryKey: ["grep", logger, baseKey, state.start, anchor],
      initialPageParam: initialParam(state, anchor),
      queryFn: ({ pageParam, signal }) => {
        const sp = new URLSearchParams(base);
        sp.set("limit", String(PAGE_SIZE));
        if (pageParam.before) sp.set("before", pageParam.before);
        if (pageParam.after) sp.set("after", pageParam.after);
        return fetchPage(logger, sp, signal);
      },
      getNextPageParam: (last) => (last.cursors.older ? { before: last.cursors.older } : undefined),
      // A list that starts at the newest line has nothing above it to load: lines that arrive later are counted
      // by useNewerLines and shown on request, so that the first screen stays on the newest line it showed.
      // Started further down, it loads upwards until a page comes back empty (live tail is a separate mode).
      getPreviousPageParam: (first, _pages, firstParam) =>
        (firstParam.before || firstParam.after) && first.records.length > 0 && first.cursors.newer
          ? { after: first.cursors.newer }
          : undefined,
    },
  );
  const histogram = useQuery({
    queryKey: ["histogram", logger, baseKey],
    queryFn: ({ signal }) => fetchHistogram(logger, base, signal),
    placeholderData: keepPreviousData,
  });
  const facets = useQuery({
    queryKey: ["facets", logger, baseKey],
    queryFn: ({ signal }) => fetchFacets(logger, base, signal),
    placeholderData: keepPreviousData,
  });

  const loaded = useMemo(() => pages.data?.pages.flatMap((p) => p.records) ?? [], [pages.data]);
  return { pages, histogram, facets, loaded, anchor };
}
