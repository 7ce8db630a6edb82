"use client";

import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { comparePositions, cursorOf, decodeCursor, isCursorShaped, timeCursor } from "@/lib/query/cursor";
import { parseTimeParam } from "@/lib/query/time-range";
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import { exportUrl, fetchFacets, fetchHistogram, fetchPage } from "@/lib/reader/api-client";
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
import { LiveToggle, NewLinesBadge } from "../../_components/live-toggle";
import { SavedSearches } from "../../_components/saved-searches";
import { SearchBar } from "../../_components/search-bar";
import { ThemeToggle } from "../../_components/theme-toggle";
import { UserBar } from "../../_components/user-bar";
import { TimeRange } from "../../_components/time-range";
import { useLiveTail } from "../../_components/use-live-tail";
import { usePageLoaders } from "../../_components/use-page-loaders";
import { useReaderKeys } from "../../_components/use-reader-keys";
import { VirtualLog, type VirtualLogHandle } from "../../_components/virtual-log";

const PAGE_SIZE = 200;

type PageParam = { before?: string; after?: string };

/** Live lines kept (and rendered, virtualized) at most; older ones are let go with a note. */
const LIVE_KEEP = 50_000;

type LiveRows = { rows: LogRecord[]; trimmed: number };
type LiveAction = { type: "add"; newestFirst: LogRecord[] } | { type: "reset" };

function liveReducer(s: LiveRows, a: LiveAction): LiveRows {
  if (a.type === "reset") return s.rows.length || s.trimmed ? { rows: [], trimmed: 0 } : s;
  const rows = a.newestFirst.concat(s.rows);
  if (rows.length <= LIVE_KEEP) return { rows, trimmed: s.trimmed };
  return { rows: rows.slice(0, LIVE_KEEP), trimmed: s.trimmed + rows.length - LIVE_KEEP };
}

function initialParam(state: ReaderState): PageParam {
  if (state.start === "oldest") {
    const from = parseTimeParam(state.from, Date.now()) ?? 0;
    return { after: timeCursor(Math.max(0, from - 1)) };
  }
  if (isCursorShaped(state.start)) return { before: state.start };
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

  const loaded = useMemo(() => pages.data?.pages.flatMap((p) => p.records) ?? [], [pages.data]);

  /**
   * Live tail (`live=1`, like less +F): once the list is loaded, lines newer than its newest one stream in above
   * it. While the reader has scrolled down they wait (the view stays still) and a badge counts them.
   */
  const liveKey = state.live ? baseKey : "";
  const [anchor, setAnchor] = useState<string | null>(null);
  const [live, dispatchLive] = useReducer(liveReducer, { rows: [], trimmed: 0 });
  const pending = useRef<LogRecord[]>([]);
  const [pendingCount, setPendingCount] = useState(0);
  const newest = useRef<{ ts: number; id: string } | null>(null);
  const away = useRef(false);
  useEffect(() => {
    setAnchor(null);
    dispatchLive({ type: "reset" });
    pending.current = [];
    setPendingCount(0);
    newest.current = null;
    away.current = false;
  }, [liveKey]);
  const liveReady = state.live && pages.isSuccess && !pages.isFetching;
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
      newest.current = { ts: r.ts, id: r.id };
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

  const { hasNextPage, isFetchingNextPage, isFetchingPreviousPage } = pages;
  const { loadNext: loadOlder, loadPrevious: loadNewer } = usePageLoaders(pages);

  const follow = useCallback(() => {
    away.current = false;
    releasePending();
    requestAnimationFrame(() => list.current?.scrollToIndex(0, "start"));
  }, [releasePending]);
  const { refetch } = pages;
  const toggleLive = useCallback(() => {
    if (!state.live) {
      navigate({ live: true, start: "", to: "", focus: "" });
      return;
    }
    navigate({ live: false });
    // The lines that streamed in are not in the loaded pages: load the newest again.
    if (live.rows.length > 0) void refetch();
  }, [state.live, navigate, live.rows.length, refetch]);

  const [jumpTo, setJumpTo] = useState("");
  const inContext = state.ctx !== "";
  useReaderKeys(
    inContext
      ? {}
      : {
          j: () => focus(focusedRef.current + 1),
          k: () => focus(focusedRef.current < 0 ? 0 : focusedRef.current - 1),
          g: () => (state.live ? follow() : navigate({ start: "", focus: "" })),
          G: () => navigate({ start: "oldest", focus: "", live: false }),
          F: () => (state.live ? follow() : toggleLive()),
          "/": () => search.current?.focus(),
          Enter: () => records[focusedIndex] && toggle(records[focusedIndex]),
          Escape: () => setExpanded(new Set()),
          c: () => records[focusedIndex] && openContext(records[focusedIndex]),
        },
  );

  // A failed attempt shows while the query is retried: against a frozen engine each attempt lasts the engine's
  // timeout, and the retries spent in silence would look like a hang.
  const failure = pages.error ?? pages.failureReason;
  const queryError =
    failure && "status" in failure && (failure as { status: number }).status < 500 ? failure.message : null;
  const otherError = failure && !queryError ? failure.message : null;

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
      {liveOn && live.trimmed > 0
        ? `${live.trimmed.toLocaleString()} older lines let go: live keeps the newest ${LIVE_KEEP.toLocaleString()}`
        : isFetchingNextPage
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
          onChange={(from, to) => navigate({ from, to, focus: "", start: "", live: to ? false : state.live })}
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
                  navigate({ start: timeCursor(new Date(jumpTo).getTime() + 1), focus: "", live: false });
              }}
            />
          </label>
          <LiveToggle on={state.live} status={liveStatus} onToggle={toggleLive} />
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
          {liveOn &&
            live.rows.length + live.trimmed > 0 &&
            ` · ${(live.rows.length + live.trimmed).toLocaleString()} new since live`}
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
              live: false,
            })
          }
        />
      </section>
      <main className="main">
        {liveOn && pendingCount > 0 && !inContext && <NewLinesBadge count={pendingCount} onClick={follow} />}
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
        ) : records.length === 0 && !queryError && liveOn ? (
          <div className="notice" data-testid="empty">
            No lines match{state.q ? ` “${state.q}”` : ""} yet; new ones will show here as they arrive.
          </div>
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
            followTop={liveOn}
            onAwayFromTop={liveOn ? onAwayFromTop : undefined}
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
            onNearTop={liveOn ? undefined : loadNewer}
            onNearBottom={liveOn && live.trimmed > 0 ? undefined : loadOlder}
          />
        )}
      </main>
    </div>
  );
}
