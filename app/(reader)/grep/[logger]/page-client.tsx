"use client";

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { cursorOf, timeCursor } from "@/lib/query/cursor";
import type { LogRecord } from "@/lib/query/wire";
import { exportUrl } from "@/lib/reader/api-client";
import { parseInputTime, rangeSpansDays } from "@/lib/reader/time-format";
import {
  excludeFilter,
  includeFilter,
  shareState,
  toggleExclude,
  toggleFilter,
  withQueryTerm,
  writeState,
} from "@/lib/reader/url-state";
import type { Pattern } from "@/lib/patterns/wire";
import { ContextView } from "../../_components/context-view";
import { CopyLink } from "../../_components/copy-link";
import { EmptyIndex } from "../../_components/empty-index";
import { ExportLink } from "../../_components/export-link";
import { FacetPanel } from "../../_components/facet-panel";
import { FilterChips } from "../../_components/filter-chips";
import { Histogram } from "../../_components/histogram";
import { LiveToggle, NewLinesBadge } from "../../_components/live-toggle";
import { PatternsView } from "../../_components/patterns-view";
import { ResultSummary } from "../../_components/result-summary";
import { SavedSearches } from "../../_components/saved-searches";
import { SearchBar } from "../../_components/search-bar";
import { ThemeToggle } from "../../_components/theme-toggle";
import { UserBar } from "../../_components/user-bar";
import { TimeInput } from "../../_components/time-input";
import { TimeRange } from "../../_components/time-range";
import { useExpanded } from "../../_components/use-expanded";
import { useFirstLine } from "../../_components/use-first-line";
import { useFocusCursor } from "../../_components/use-focus-cursor";
import { LIVE_KEEP, useLiveRows } from "../../_components/use-live-rows";
import { useNewerLines } from "../../_components/use-newer-lines";
import { usePageLoaders } from "../../_components/use-page-loaders";
import { useReaderKeys } from "../../_components/use-reader-keys";
import { useReaderNavigation } from "../../_components/use-reader-navigation";
import { useReaderQueries } from "../../_components/use-reader-queries";
import { useTimeZone } from "../../_components/use-time-zone";
import { VirtualLog, type VirtualLogHandle } from "../../_components/virtual-log";

export function ReaderClient({
  logger,
  title,
  displayColumns,
  user,
  ingest,
}: {
  logger: string;
  title: string;
  displayColumns: string[];
  user: { name: string; admin: boolean };
  /** Where the index takes lines from, for the commands an empty index shows. */
  ingest: { routingKeys: string[]; exchange: string };
}) {
  const { state, base, baseKey, navigate } = useReaderNavigation();
  const timeZone = useTimeZone(state.tz);
  // Rows carry their date when the range covers more than one day in the zone shown, however few lines it has.
  const rowTimes = useMemo(
    () => ({ timeZone, dates: rangeSpansDays(state.from, state.to, Date.now(), timeZone) }),
    [timeZone, state.from, state.to],
  );
  const { pages, histogram, facets, loaded, anchor } = useReaderQueries({ logger, state, base, baseKey });
  const { records, liveOn, live, pendingCount, liveStatus, onAwayFromTop, resume } = useLiveRows({
    logger,
    state,
    baseKey,
    loaded,
    loadedSettled: pages.isSuccess && !pages.isFetching,
  });
  const list = useRef<VirtualLogHandle>(null);
  const search = useRef<HTMLInputElement>(null);
  const { expanded, toggle, collapseAll, reveal } = useExpanded();
  const { focusedIndex, step, select } = useFocusCursor({ state, baseKey, navigate, records, list });
  const filterOn = useCallback(
    (field: string, value: string, multi: boolean) =>
      navigate({ filters: toggleFilter(state.filters, field, value, multi), focus: "", start: "" }),
    [navigate, state.filters],
  );
  const setFilters = useCallback(
    (filters: string[]) => navigate({ filters, focus: "", start: "" }),
    [navigate],
  );
  const filterValue = useCallback(
    (field: string, value: string, exclude: boolean) =>
      setFilters((exclude ? excludeFilter : includeFilter)(state.filters, field, value)),
    [setFilters, state.filters],
  );
  const openContext = useCallback(
    (r: LogRecord) => navigate({ ctx: cursorOf(r), focus: cursorOf(r) }),
    [navigate],
  );

  const { hasNextPage, isFetchingNextPage, isFetchingPreviousPage } = pages;
  const { loadNext: loadOlder, loadPrevious: loadNewer } = usePageLoaders(pages);

  const follow = useCallback(() => {
    resume();
    requestAnimationFrame(() => list.current?.scrollToIndex(0, "start"));
  }, [resume]);
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
  const patternsOn = state.view === "patterns" && !inContext;
  const togglePatterns = useCallback(
    () => navigate({ view: state.view === "patterns" ? "lines" : "patterns", ctx: "" }),
    [navigate, state.view],
  );
  // A template's lines are a query like any other: its fixed words as phrases, added to the question's own.
  const pickPattern = useCallback(
    (p: Pattern, exclude: boolean) =>
      exclude
        ? navigate({ q: withQueryTerm(state.q, p.exclude), focus: "", start: "" })
        : navigate({ q: withQueryTerm(state.q, p.query), view: "lines", focus: "", start: "" }),
    [navigate, state.q],
  );
  const patternLink = useCallback(
    (p: Pattern) =>
      `?${writeState({ ...state, q: withQueryTerm(state.q, p.query), view: "lines", focus: "", start: "" })}`,
    [state],
  );

  // A list loaded at the newest line of an open range goes stale at its top: count what arrived since, and show
  // it when asked (the bar, or g), instead of moving the lines being read.
  const newer = useNewerLines({
    logger,
    base,
    baseKey,
    top: loaded[0],
    enabled:
      !state.live &&
      !inContext &&
      state.to === "" &&
      !state.start &&
      !anchor &&
      pages.isSuccess &&
      !pages.isFetching,
  });
  const { refetch: refetchHistogram } = histogram;
  const { refetch: refetchFacets } = facets;
  // Asked for the newest lines, the list stays at its top while they arrive: otherwise the rows the answer
  // prepends would push the newest out of view, as a newer page loaded while scrolling up keeps the line read.
  // Scrolling away from the top lets go.
  const [pinTop, setPinTop] = useState(false);
  const awayFromTop = useCallback(
    (away: boolean) => {
      if (away) setPinTop(false);
      if (liveOn) onAwayFromTop(away);
    },
    [liveOn, onAwayFromTop],
  );
  const showNewest = useCallback(() => {
    setPinTop(true);
    void refetch();
    void refetchHistogram();
    void refetchFacets();
    list.current?.scrollToIndex(0, "start");
  }, [refetch, refetchHistogram, refetchFacets]);
  // An index without a single line says how to send one, and loads the list once it is there (live shows it
  // by itself).
  const firstLine = useFirstLine({
    logger,
    enabled: pages.isSuccess && records.length === 0 && !inContext,
    onArrived: () => (liveOn ? undefined : Promise.all([refetch(), refetchHistogram(), refetchFacets()])),
  });
  const toNewest = useCallback(() => {
    if (state.start || anchor) navigate({ start: "", focus: "" });
    else if (newer.count > 0) showNewest();
    else list.current?.scrollToIndex(0, "start");
  }, [state.start, anchor, navigate, newer.count, showNewest]);
  const shareLink = useCallback(() => {
    const focused = records[focusedIndex];
    const shared = shareState({ ...state, focus: focused ? cursorOf(focused) : state.focus }, Date.now());
    return `${window.location.origin}${window.location.pathname}?${writeState(shared)}`;
  }, [records, focusedIndex, state]);
  useReaderKeys(
    inContext
      ? {}
      : patternsOn
        ? // The lines' keys would move a focus that is not on screen; the templates are links to Tab through.
          { p: togglePatterns, "/": () => search.current?.focus() }
        : {
            j: () => step(1),
            k: () => step(-1),
            g: () => (state.live ? follow() : toNewest()),
            G: () => navigate({ start: "oldest", focus: "", live: false }),
            F: () => (state.live ? follow() : toggleLive()),
            "/": () => search.current?.focus(),
            Enter: () => records[focusedIndex] && toggle(records[focusedIndex]),
            Escape: collapseAll,
            c: () => records[focusedIndex] && openContext(records[focusedIndex]),
            p: togglePatterns,
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
  // A regular expression is tested on a bounded number of lines per request: pages may end before any match.
  const scannedPages = pages.data?.pages ?? [];
  const scanCut = scannedPages.length > 0 && scannedPages[scannedPages.length - 1]!.truncated === true;
  const scanned = scannedPages.reduce((n, p) => n + (p.scanned ?? 0), 0);
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
          logger={logger}
          user={user.name}
          from={state.from}
          to={state.to}
        />
        <TimeRange
          from={state.from}
          to={state.to}
          tz={state.tz}
          timeZone={timeZone}
          onChange={(from, to) => navigate({ from, to, focus: "", start: "", live: to ? false : state.live })}
          onTz={(tz) => navigate({ tz }, "replace")}
        />
        <div className="toolbar">
          <label className="toolbar" title="Read down from a point in time (Enter)">
            jump to
            <TimeInput
              label="jump to time"
              value={jumpTo}
              onChange={setJumpTo}
              onKeyDown={(e) => {
                const at = e.key === "Enter" ? parseInputTime(jumpTo, timeZone) : null;
                if (at !== null) navigate({ start: timeCursor(at + 1), focus: "", live: false });
              }}
            />
          </label>
          <LiveToggle on={state.live} status={liveStatus} onToggle={toggleLive} />
          <button
            aria-pressed={patternsOn}
            title="Group the matching lines into patterns, or back to the lines (p)"
            onClick={togglePatterns}
          >
            Patterns
          </button>
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
          <ExportLink href={exportUrl(logger, base, "ndjson")}>Export NDJSON</ExportLink>
          <ExportLink href={exportUrl(logger, base, "text")}>Export text</ExportLink>
          <CopyLink link={shareLink} />
          <SavedSearches logger={logger} />
          {user.admin && (
            <Link href={alertOnSearchHref(logger, state.q, state.filters)} className="button-link">
              Alert on this search
            </Link>
          )}
          <ThemeToggle />
          <UserBar name={user.name} admin={user.admin} />
        </div>
      </header>
      <aside className="facets" aria-label="fields">
        <FacetPanel
          facets={facets.data}
          error={facets.error}
          stale={facets.isPlaceholderData}
          filters={state.filters}
          onToggle={filterOn}
          onExclude={(field, value) => setFilters(toggleExclude(state.filters, field, value))}
        />
      </aside>
      <section className="histogram" aria-label="matching lines over time">
        <ResultSummary histogram={histogram} newSinceLive={liveOn ? live.rows.length + live.trimmed : 0} />
        <FilterChips filters={state.filters} onChange={setFilters} />
        <Histogram
          data={histogram.data}
          error={histogram.error}
          stale={histogram.isPlaceholderData}
          timeZone={timeZone}
          filters={state.filters}
          onFilters={setFilters}
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
        {liveOn && pendingCount > 0 && !inContext && !patternsOn && (
          <NewLinesBadge count={pendingCount} onClick={follow} />
        )}
        {!liveOn && newer.count > 0 && !inContext && !patternsOn && (
          <NewLinesBadge
            count={newer.count}
            atLeast={newer.atLeast}
            newer
            title="Show the lines that arrived since this list was loaded (g)"
            onClick={showNewest}
          />
        )}
        {inContext ? (
          <ContextView
            logger={logger}
            at={state.ctx}
            scope={state.scope}
            q={state.q}
            filters={state.filters}
            displayColumns={displayColumns}
            timeZone={timeZone}
            onScope={(scope) => navigate({ scope }, "replace")}
            onClose={() => navigate({ ctx: "" })}
            onFilter={filterOn}
          />
        ) : patternsOn ? (
          <PatternsView
            logger={logger}
            base={base}
            baseKey={baseKey}
            sort={state.psort}
            onSort={(psort) => navigate({ psort }, "replace")}
            onPick={pickPattern}
            linkTo={patternLink}
          />
        ) : otherError ? (
          <div className="notice error" role="alert">
            {otherError}
          </div>
        ) : pages.isPending || firstLine.checking ? (
          <div className="notice">loading…</div>
        ) : records.length === 0 && firstLine.empty ? (
          <EmptyIndex index={logger} routingKeys={ingest.routingKeys} exchange={ingest.exchange} />
        ) : records.length === 0 && !queryError && scanCut && hasNextPage ? (
          <div className="notice" data-testid="scan-cut">
            No match among the {scanned.toLocaleString()} lines read so far: a regular expression is tested on
            a limited number of lines per request.{" "}
            <button onClick={() => void pages.fetchNextPage()} disabled={isFetchingNextPage}>
              Read further
            </button>
          </div>
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
            label={`lines of ${title}`}
            followTop={liveOn || pinTop}
            onAwayFromTop={awayFromTop}
            records={records}
            displayColumns={displayColumns}
            times={rowTimes}
            focusedId={records[focusedIndex]?.id ?? null}
            expanded={expanded}
            reveal={reveal}
            top={top}
            bottom={bottom}
            onSelect={select}
            onToggle={toggle}
            onFilter={filterOn}
            onFilterValue={filterValue}
            onContext={openContext}
            onNearTop={liveOn ? undefined : loadNewer}
            onNearBottom={liveOn && live.trimmed > 0 ? undefined : loadOlder}
          />
        )}
      </main>
    </div>
  );
}

/**
 * /admin's new alert rule, filled in with this view's index and query; the filters join the query as `field:value`
 * terms where they can be written so (no spaces or quotes in the value).
 */
function alertOnSearchHref(logger: string, q: string, filters: string[]): string {
  const terms = [q.trim(), ...filters.filter((f) => !/[\s"]/.test(f))].filter(Boolean);
  const sp = new URLSearchParams({ alertIndex: logger, alertQuery: terms.join(" ") });
  return `/admin?${sp}#alerts`;
}
