/**
 * The soak test's readers: a paced mix of reader API calls with a bound on requests in flight, and live tails
 * (SSE) held open, each noting when lines arrive. Both talk to the web app over loopback HTTP as a script with a
 * read token would; nothing here is in the web app's process.
 */
import { fetchResendingOnReset } from "../fetch-resending-on-reset";
import { SseParser } from "@/lib/live/sse-parser";

export type QueryKind = "rare" | "common" | "filter" | "page" | "histogram" | "facets";

export type LoadResult = {
  requests: number;
  elapsedMs: number;
  latencies: Record<QueryKind, number[]>;
  statuses: Record<string, number>;
  /** Requests that got a 5xx, or no answer at all (even after one resend on a new connection). */
  failures: { kind: QueryKind; status: number | string; body: string }[];
  serverErrors: number;
  /** Requests sent a second time because a kept-alive connection was closed under them (see `call`). */
  resentAfterReset: number;
  /**
   * Scenarios skipped because the in-flight bound held them back past the next ones' turn: the server was slower
   * than the pace, and a reader does not queue up clicks it can no longer see the answer to.
   */
  skipped: number;
};

type Step = { kind: QueryKind; path: string };

const LATENCY_CAP = 1_000_000;
const GAP_NOTED_MS = 2000;
const GAPS_KEPT = 1000;
const LAGS_KEPT = 100_000;
const KEPT_FAILURES = 20;
/** A reader call unanswered for this long counts as no answer at all. */
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The reader's calls, as a user at a busy index makes them: a rare word, a common word, field filters, three
 * pages down by cursor, the histogram and the facets. Searches are bounded to the last 15 minutes and the
 * aggregates to the last 5 (two of the reader's range presets): the engine is only fast on time-bounded reads.
 */
function scenarios(index: string): ((prev: unknown) => Step | null)[][] {
  const grep = (qs: string) => `/api/grep/${index}?${qs}&from=now-15m`;
  const page = (n: number) => (prev: unknown) => {
    const older = (prev as { cursors?: { older?: string | null } } | undefined)?.cursors?.older;
    if (n > 0 && !older) return null;
    const cursor = n > 0 ? `&before=${encodeURIComponent(older!)}` : "";
    return { kind: "page" as const, path: grep(`q=order${cursor}&limit=100`) };
  };
  return [
    [() => ({ kind: "rare", path: grep("q=insufficient") })],
    [() => ({ kind: "common", path: grep("q=GET") })],
    [() => ({ kind: "filter", path: grep("filter=level:error&filter=host:web-01.prod.local") })],
    [() => ({ kind: "rare", path: grep("q=locked") })],
    [page(0), page(1), page(2), page(3)],
    [() => ({ kind: "histogram", path: `/api/grep/${index}/histogram?q=payment&from=now-5m&buckets=60` })],
    [() => ({ kind: "common", path: grep("q=cache+-debug") })],
    [() => ({ kind: "filter", path: grep("q=status:500") })],
    [() => ({ kind: "facets", path: `/api/grep/${index}/facets?from=now-5m` })],
  ];
}

/**
 * Starts issuing reader calls at `ratePerSec`, at most `concurrency` in flight: a scenario starts when it is due
 * and a slot is free. Paced rather than flat out so the readers take a reader-like share of the two cores, not
 * all the CPU the collector needs; latency is measured per call, from sending to the last byte of the body.
 */
export function startQueryLoad(opts: {
  base: string;
  index: string;
  token: string;
  ratePerSec: number;
  concurrency: number;
  maxRequests: number;
}): { stop: () => Promise<LoadResult> } {
  const list = scenarios(opts.index);
  const result: LoadResult = {
    requests: 0,
    elapsedMs: 0,
    latencies: { rare: [], common: [], filter: [], page: [], histogram: [], facets: [] },
    statuses: {},
    failures: [],
    serverErrors: 0,
    resentAfterReset: 0,
    skipped: 0,
  };
  const headers = { authorization: `Bearer ${opts.token}` };
  let stopped = false;
  let inFlight = 0;
  let next = 0;
  const running = new Set<Promise<void>>();

  const call = async (step: Step): Promise<unknown> => {
    const started = performance.now();
    let status: number | string;
    let text = "";
    try {
      // A closed keep-alive connection is resent and counted, so the race is not taken for a server failure.
      const res = await fetchResendingOnReset(
        `${opts.base}${step.path}`,
        { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
        () => result.resentAfterReset++,
      );
      status = res.status;
      text = await res.text();
    } catch (err) {
      status = `no answer: ${(err as Error).message}`;
    }
    const ms = performance.now() - started;
    result.requests++;
    result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
    if (result.latencies[step.kind].length < LATENCY_CAP) result.latencies[step.kind].push(ms);
    if (typeof status !== "number" || status >= 500) {
      result.serverErrors++;
      if (result.failures.length < KEPT_FAILURES)
        result.failures.push({ kind: step.kind, status, body: text.slice(0, 300) });
    }
    if (status !== 200) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };

  const runScenario = async (steps: ((prev: unknown) => Step | null)[]) => {
    let prev: unknown;
    for (const make of steps) {
      if (stopped) return;
      const step = make(prev);
      if (!step) return;
      prev = await call(step);
    }
  };

  const started = performance.now();
  const pacer = (async () => {
    let issued = 0;
    while (!stopped && result.requests + inFlight < opts.maxRequests) {
      const due = Math.floor(((performance.now() - started) * opts.ratePerSec) / 1000);
      if (due - issued > opts.concurrency) {
        result.skipped += due - issued - opts.concurrency;
        issued = due - opts.concurrency;
      }
      if (issued < due && inFlight < opts.concurrency) {
        issued++;
        inFlight++;
        const p = runScenario(list[next++ % list.length]!).finally(() => {
          inFlight--;
          running.delete(p);
        });
        running.add(p);
        continue;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await pacer;
      await Promise.all(running);
      result.elapsedMs = performance.now() - started;
      return result;
    },
  };
}

export type TailStats = {
  query: string;
  status: number;
  records: number;
  /** Records that arrived inside the judged window. */
  judgedRecords: number;
  /** Per `records` event: arrival (wall clock) less the time of its newest record, ms; at most LAGS_KEPT. */
  lagsMs: number[];
  events: number;
  dropped: number;
  /** Longest wait for a `records` event inside the judged window, ms. */
  maxGapMs: number;
  /** Waits longer than GAP_NOTED_MS inside the judged window, as [from, to] on performance.now(). */
  gaps: [number, number][];
  /** The stream ended while the test still held it. */
  endedEarly: boolean;
  error: string | null;
};

export type Tail = {
  ready: Promise<void>;
  /** Gaps count from here (ms on performance.now()). */
  judgeFrom: (t: number) => void;
  /** Gaps count up to here; the time from the last event to it is a gap too. */
  judgeUntil: (t: number) => void;
  stats: () => TailStats;
  close: () => Promise<void>;
};

/**
 * Opens a live tail over HTTP and reads it as a client does. Records are counted, not kept, so a long run holds
 * no more memory at its end than at its start.
 */
export async function openTail(opts: {
  base: string;
  index: string;
  token: string;
  query: string;
}): Promise<Tail> {
  const abort = new AbortController();
  const res = await fetch(`${opts.base}/api/grep/${opts.index}/live?q=${encodeURIComponent(opts.query)}`, {
    headers: { authorization: `Bearer ${opts.token}` },
    signal: abort.signal,
  });
  const stats: TailStats = {
    query: opts.query,
    status: res.status,
    records: 0,
    judgedRecords: 0,
    lagsMs: [],
    events: 0,
    dropped: 0,
    maxGapMs: 0,
    gaps: [],
    endedEarly: false,
    error: null,
  };
  let from: number | null = null;
  let until: number | null = null;
  let last: number | null = null;
  let closing = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const gap = (t: number) => {
    // After judgeUntil has closed the window (with the gap up to it), nothing more counts.
    if (from === null || t < from || until !== null) return;
    const start = Math.max(last ?? from, from);
    stats.maxGapMs = Math.max(stats.maxGapMs, t - start);
    if (t - start > GAP_NOTED_MS && stats.gaps.length < GAPS_KEPT) stats.gaps.push([start, t]);
  };

  const reading = (async () => {
    if (res.status !== 200 || !res.body) {
      stats.error = `status ${res.status}: ${(await res.text()).slice(0, 200)}`;
      markReady();
      return;
    }
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const e of parser.events(decoder.decode(value, { stream: true }))) {
          stats.events++;
          if (e.event === "records") {
            const t = performance.now();
            gap(t);
            last = t;
            const { records } = JSON.parse(e.data) as { records: { ts: number }[] };
            const n = records.length;
            stats.records += n;
            if (n > 0 && stats.lagsMs.length < LAGS_KEPT) stats.lagsMs.push(Date.now() - records[n - 1]!.ts);
            if (from !== null && t >= from && until === null) stats.judgedRecords += n;
          } else if (e.event === "sampled") {
            stats.dropped += (JSON.parse(e.data) as { dropped: number }).dropped;
          } else if (e.event === "ready") {
            markReady();
          }
        }
      }
      if (!closing) stats.endedEarly = true;
    } catch (err) {
      if (!closing) stats.error = (err as Error).message;
    } finally {
      markReady();
    }
  })();

  return {
    ready,
    judgeFrom: (t) => (from = t),
    judgeUntil: (t) => {
      gap(t);
      until = t;
    },
    stats: () => ({ ...stats, gaps: [...stats.gaps], lagsMs: [...stats.lagsMs] }),
    close: async () => {
      closing = true;
      abort.abort();
      await reading;
    },
  };
}
