"use client";

import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { parseTimeParam } from "@/lib/query/time-range";
import {
  exportUrl,
  fetchFacets,
  fetchHistogram,
  fetchPage,
  type GrepResult,
  type LogRecord,
} from "@/lib/reader/api-client";
import {
  readState,
  searchParamsFor,
  toggleFilter,
  writeState,
  type ReaderState,
} from "@/lib/reader/url-state";
import { ContextView } from "../../_components/context-view";
import { FacetPanel } from "../../_components/facet-panel";
import { Histogram } from "../../_components/histogram";
import { SavedSearches } from "../../_components/saved-searches";
import { SearchBar } from "../../_components/search-bar";
import { ThemeToggle } from "../../_components/theme-toggle";
import { UserBar } from "../../_components/user-bar";
import { TimeRange } from "../../_components/time-range";
import { useReaderKeys } from "../../_components/use-reader-keys";
import { VirtualLog, type VirtualLogHandle } from "../../_components/virtual-log";

const PAGE_SIZE = 200;

type PageParam = { before?: string; after?: string };

const cursorOf = (r: LogRecord) => `${r.ts}_${r.id}`;

function initialParam(state: ReaderState): PageParam {
  if (state.start === "oldest") {
    const from = parseTimeParam(state.from, Date.now()) ?? 0;
    return { after: `${Math.max(0, from - 1)}_0` };
  }
  if (/^\d+_\d+$/.test(state.start)) return { before: state.start };
  return {};
}

export function ReaderClient({
  logger,
  title,
  displayColumns,
  user,
}: {
  logger: string;
  title: string;
  displayColumns: string[];
  user: { name: string; admin: boolean };
}) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const state = useMemo(() => readState(new URLSearchParams(searchParams.toString())), [searchParams]);
  const base = useMemo(() => searchParamsFor(state), [state]);
  const baseKey = base.toString();

  /**
   * New questions go into history; moving the focus only replaces the current entry. Patches apply to the
   * latest state (a ref), so a delayed write never undoes one made after it was scheduled.
   */
  const latest = useRef(state);
  const seenState = useRef(state);
  if (seenState.current !== state) {
    seenState.current = state;
    latest.current = state;
  }
  const navigate = useCallback(
    (patch: Partial<ReaderState>, mode: "push" | "replace" = "push") => {
      const nextState = { ...latest.current, ...patch };
      latest.current = nextState;
      const next = writeState(nextState).toString();
      const url = next ? `${pathname}?${next}` : pathname;
      if (mode === "push") router.push(url, { scroll: false });
      else router.replace(url, { scroll: false });
    },
    [pathname, router],
  );

  const pages = useInfiniteQuery<GrepResult, Error, InfiniteData<GrepResult, PageParam>, string[], PageParam>(
    {
      queryKey: ["grep", logger, baseKey, state.start],
      initialPageParam: initialParam(state),
      queryFn: ({ pageParam, signal }) => {
        const sp = new URLSearchParams(base);
        sp.set("limit", String(PAGE_SIZE));
        if (pageParam.before) sp.set("before", pageParam.before);
        if (pageParam.after) sp.set("after", pageParam.after);
        return fetchPage(logger, sp, signal);
      },
      getNextPageParam: (last) => (last.cursors.older ? { before: last.cursors.older } : undefined),
      // An empty page means nothing newer yet (live tail is a separate mode).
      getPreviousPageParam: (first) =>
        first.records.length > 0 && first.cursors.newer ? { after: first.cursors.newer } : undefined,
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

  const records = useMemo(() => pages.data?.pages.flatMap((p) => p.records) ?? [], [pages.data]);
  // Matches in the whole range, counted by the engine; not the first loaded page's count, which paging changes.
  const total = histogram.data?.total;
  const list = useRef<VirtualLogHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  // The focused line moves at key-repeat speed, faster than a router round trip: held here, mirrored to the URL.
  // It is read from the URL when the list changes (a new query, a reload); the router's later echo of our own
  // writes must not move it back.
  const [focusCursor, setFocusCursor] = useState(state.focus);
  const urlFocus = useRef(state.focus);
  urlFocus.current = state.focus;
  useEffect(() => setFocusCursor(urlFocus.current), [baseKey, state.start]);
  const focusWrite = useRef<ReturnType<typeof setTimeout> | null>(null);
  const writeFocus = useCallback(
    (cursor: string) => {
      setFocusCursor(cursor);
      if (focusWrite.current) clearTimeout(focusWrite.current);
      focusWrite.current = setTimeout(() => navigate({ focus: cursor }, "replace"), 150);
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
    [records, writeFocus],
  );
  const toggle = useCallback((r: LogRecord) => {
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(r.id)) n.delete(r.id);
      else n.add(r.id);
      return n;
    });
  }, []);
  const select = useCallback((r: LogRecord) => writeFocus(cursorOf(r)), [writeFocus]);
  const filterOn = useCallback(
    (field: string, value: string, multi: boolean) =>
      navigate({ filters: toggleFilter(state.filters, field, value, multi), focus: "", start: "" }),
    [navigate, state.filters],
  );
  const openContext = useCallback(
    (r: LogRecord) => navigate({ ctx: cursorOf(r), focus: cursorOf(r) }),
    [navigate],
  );

  const {
    hasNextPage,
    hasPreviousPage,
    isFetchingNextPage,
    isFetchingPreviousPage,
    fetchNextPage,
    fetchPreviousPage,
  } = pages;
  const loadOlder = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const loadNewer = useCallback(() => {
    if (hasPreviousPage && !isFetchingPreviousPage) void fetchPreviousPage();
  }, [hasPreviousPage, isFetchingPreviousPage, fetchPreviousPage]);

  const [jumpTo, setJumpTo] = useState("");
  const inContext = state.ctx !== "";
  useReaderKeys(
    inContext
      ? {}
      : {
          j: () => focus(focusedRef.current + 1),
          k: () => focus(focusedRef.current < 0 ? 0 : focusedRef.current - 1),
          g: () => navigate({ start: "", focus: "" }),
          G: () => navigate({ start: "oldest", focus: "" }),
          "/": () => search.current?.focus(),
          Enter: () => records[focusedIndex] && toggle(records[focusedIndex]),
          Escape: () => setExpanded(new Set()),
          c: () => records[focusedIndex] && openContext(records[focusedIndex]),
        },
  );

  const queryError =
    pages.error && "status" in pages.error && (pages.error as { status: number }).status < 500
      ? pages.error.message
      : null;
  const otherError = pages.error && !queryError ? pages.error.message : null;

  // Always present, so row indexes do not shift when loading starts or stops.
  const top = <div className="edge">{isFetchingPreviousPage ? "loading newer lines…" : ""}</div>;

  // A new list starts at its top; `G` reads from the oldest line, so like less it starts at the end.
  const hasData = pages.data !== undefined;
  useEffect(() => {
    if (!hasData) return;
    requestAnimationFrame(() =>
      state.start === "oldest" ? list.current?.scrollToEnd() : list.current?.scrollToIndex(0, "start"),
    );
  }, [hasData, baseKey, state.start]);
  const bottom = (
    <div className="edge" data-testid="list-end">
      {isFetchingNextPage
        ? "loading older lines…"
        : hasNextPage
          ? ""
          : records.length
            ? "oldest line in this range"
            : ""}
    </div>
  );

  return (
    <div className="reader">
      <header>
        <h1>
          <Link href="/">alco</Link> / {title}
        </h1>
        <SearchBar
          ref={search}
          value={state.q}
          error={queryError}
          onSubmit={(q) => navigate({ q, focus: "", start: "" })}
        />
        <TimeRange
          from={state.from}
          to={state.to}
          onChange={(from, to) => navigate({ from, to, focus: "", start: "" })}
        />
        <div className="toolbar">
          <label className="toolbar" title="Read down from a point in time (Enter)">
            jump to
            <input
              type="datetime-local"
              step="1"
              aria-label="jump to time"
              value={jumpTo}
              onChange={(e) => setJumpTo(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && jumpTo)
                  navigate({ start: `${new Date(jumpTo).getTime() + 1}_0`, focus: "" });
              }}
            />
          </label>
          <button
            aria-pressed={inContext}
            title="Read the whole stream around the focused line, matches marked (c)"
            onClick={() => {
              const r = records[focusedIndex] ?? records[0];
              if (inContext) navigate({ ctx: "" });
              else if (r) openContext(r);
            }}
          >
            Context
          </button>
          <a href={exportUrl(logger, base, "ndjson")} download>
            <button tabIndex={-1}>Export NDJSON</button>
          </a>
          <a href={exportUrl(logger, base, "text")} download>
            <button tabIndex={-1}>Export text</button>
          </a>
          <SavedSearches logger={logger} />
          <ThemeToggle />
          <UserBar name={user.name} admin={user.admin} />
        </div>
      </header>
      <aside className="facets">
        <FacetPanel facets={facets.data} filters={state.filters} onToggle={filterOn} />
      </aside>
      <section className="histogram">
        <div className="summary" data-testid="summary">
          {total !== undefined ? `${total.toLocaleString()} matching lines` : " "}
          {histogram.data ? ` · ${Math.round(histogram.data.bucketMs / 1000)} s buckets` : ""}
          {state.filters.length > 0 && ` · filters: ${state.filters.join(", ")}`}
          {histogram.error && ` · histogram unavailable: ${histogram.error.message}`}
        </div>
        <Histogram
          data={histogram.data}
          onZoom={(from, to) =>
            navigate({
              from: new Date(from).toISOString(),
              to: new Date(to).toISOString(),
              focus: "",
              start: "",
            })
          }
        />
      </section>
      <main className="main">
        {inContext ? (
          <ContextView
            logger={logger}
            at={state.ctx}
            scope={state.scope}
            q={state.q}
            filters={state.filters}
            displayColumns={displayColumns}
            onScope={(scope) => navigate({ scope }, "replace")}
            onClose={() => navigate({ ctx: "" })}
            onFilter={filterOn}
          />
        ) : otherError ? (
          <div className="notice error" role="alert">
            {otherError}
          </div>
        ) : pages.isPending ? (
          <div className="notice">loading…</div>
        ) : records.length === 0 && !queryError ? (
          <div className="notice" data-testid="empty">
            No lines match{state.q ? ` “${state.q}”` : ""} in this range.{" "}
            <button onClick={() => navigate({ from: "now-7d", to: "", start: "" })}>
              Widen to the last 7 days
            </button>{" "}
            <button onClick={() => navigate({ from: "now-30d", to: "", start: "" })}>last 30 days</button>
          </div>
        ) : (
          <VirtualLog
            ref={list}
            records={records}
            displayColumns={displayColumns}
            focusedId={records[focusedIndex]?.id ?? null}
            expanded={expanded}
            top={top}
            bottom={bottom}
            onSelect={select}
            onToggle={toggle}
            onFilter={filterOn}
            onContext={openContext}
            onNearTop={loadNewer}
            onNearBottom={loadOlder}
          />
        )}
      </main>
    </div>
  );
}
