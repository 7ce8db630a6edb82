/**
 * Lines read in the order they were written (issue 14), on every read path. One access log of 10,000 lines that
 * all share one second, as nginx writes them (`[03/Dec/2026:06:46:26 +0000]`), each carrying its line number in
 * its path: tailed by the real agent, through RabbitMQ and the real collector into searchd, then read back through
 * the production web app as users read it: grep pages of 100 from the newest line and from the oldest, each way
 * and back; a permalink's pages around a line; the context of a line in the middle, extended to both ends; export
 * as NDJSON and as text; the live tail from now, from a cursor and from Last-Event-ID; /stream; `alco query`
 * and `alco tail`; a host's logs. Every one must give the file's order (or its reverse where the path reads newest
 * first), with no line missing or twice.
 *
 * The second is a few seconds ahead when the tails that start "now" open, so that every line of it is theirs.
 * The file is written in two halves: the tails that resume from a position open between them, so they get the
 * first half as back-fill and the second half live, through both of the session's ways of sending.
 */
import { appendFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { Agent } from "@/lib/agent/agent";
import { Collector } from "@/lib/collector/collector";
import { SseParser } from "@/lib/live/sse-parser";
import { cursorOf, timeCursor } from "@/lib/query/cursor";
import type { ContextResult, GrepResult, LogRecord } from "@/lib/query/wire";
import { tempDir } from "./agent-kit";
import { collectCli, runCli, startCli, type CliRun } from "./cli-process";
import { buildWorkers } from "./collector-command";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  uniqueName,
  waitFor,
} from "./helpers";
import { ensureWebBuild, startWeb, type Web } from "./web-process";

const LINES = 10_000;
const HALF = LINES / 2;
const PAGE = 100;
/** The most lines a host's logs answer holds; every line carries the word of its thousand (`blk0` … `blk9`). */
const BLOCK = 1000;
/** How far ahead of the tails' opening the lines' second starts. */
const LEAD_MS = 4000;
/**
 * How many lines a resumed tail here back-fills: five of the session's pages of 1000, more than the response
 * body's buffer holds (1 MiB, about 2,000 of these lines), so the later pages go out as the client reads.
 */
const BACKFILL = 4500;

/** A CLF time for `ms`, in UTC. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const mon = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** n, n+1, …, m; counting down when m < n. */
function span(n: number, m: number): number[] {
  const step = m < n ? -1 : 1;
  return Array.from({ length: Math.abs(m - n) + 1 }, (_, i) => n + i * step);
}

/** Lines n … m of the file, a newline after each. */
function fileLines(n: number, m: number, time: string): string {
  return span(n, m)
    .map(
      (k) =>
        `203.0.113.${k % 250} - - [${time}] "GET /item/${k} HTTP/1.1" 200 ${k % 997} "-" "probe/1.0 (blk${Math.floor((k - 1) / BLOCK)})"\n`,
    )
    .join("");
}

/** The line number a message carries, NaN for a message that is not one of the file's lines. */
const lineNo = (message: string) => Number(/"GET \/item\/(\d+) HTTP/.exec(message)?.[1] ?? NaN);
const numbers = (records: { message: string }[]) => records.map((r) => lineNo(r.message));

/**
 * Null when `got` is `want`; otherwise what a person needs to see of 10,000 numbers: how many, which are
 * missing or there twice, and where the two first part.
 */
function difference(got: number[], want: number[]): string | null {
  const i = got.findIndex((n, k) => n !== want[k]);
  if (i < 0 && got.length === want.length) return null;
  const seen = new Map<number, number>();
  for (const n of got) seen.set(n, (seen.get(n) ?? 0) + 1);
  const missing = want.filter((n) => !seen.has(n));
  const twice = [...seen].filter(([, c]) => c > 1).map(([n]) => n);
  const at = i < 0 ? Math.min(got.length, want.length) : i;
  const show = (xs: number[]) => `[${xs.slice(0, 12).join(", ")}${xs.length > 12 ? ", …" : ""}]`;
  return [
    `${got.length} lines, ${want.length} expected`,
    `${missing.length} missing ${show(missing)}`,
    `${twice.length} twice ${show(twice)}`,
    `first difference at ${at}: got ${show(got.slice(at))}, expected ${show(want.slice(at))}`,
  ].join("; ");
}

/** A live tail read over HTTP as `curl -N` or EventSource reads it. */
type LiveTail = {
  records: LogRecord[];
  /** Each `records` event's `id`, and how many records had come when it did. */
  events: { id: string; count: number }[];
  dropped: number;
  ready: boolean;
  close: () => Promise<void>;
};

/** /stream, read as `curl -N` reads it: its record lines and its own `#` notes. */
type StreamTail = { lines: string[]; notes: string[]; close: () => Promise<void> };

async function openBody(
  url: string,
  headers: Record<string, string>,
  onText: (text: string) => void,
): Promise<() => Promise<void>> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`GET ${url}: no answer in 30 s`)), 30_000);
  const res = await fetch(url, { headers, signal: abort.signal }).finally(() => clearTimeout(timer));
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        onText(value);
      }
    } catch {
      // Aborted: the test went away, as a client does.
    }
  })();
  return async () => {
    abort.abort();
    await reading;
  };
}

async function openLive(url: string, headers: Record<string, string>): Promise<LiveTail> {
  const parser = new SseParser();
  const tail: LiveTail = {
    records: [],
    events: [],
    dropped: 0,
    ready: false,
    close: () => Promise.resolve(),
  };
  tail.close = await openBody(url, headers, (text) => {
    for (const e of parser.events(text)) {
      if (e.event === "records") {
        tail.records.push(...(JSON.parse(e.data) as { records: LogRecord[] }).records);
        tail.events.push({ id: e.id, count: tail.records.length });
      } else if (e.event === "sampled") {
        tail.dropped += (JSON.parse(e.data) as { dropped: number }).dropped;
      } else if (e.event === "ready") {
        tail.ready = true;
      }
    }
  });
  return tail;
}

async function openStream(url: string, headers: Record<string, string>): Promise<StreamTail> {
  const tail: StreamTail = { lines: [], notes: [], close: () => Promise.resolve() };
  let rest = "";
  tail.close = await openBody(url, headers, (text) => {
    const parts = (rest + text).split("\n");
    rest = parts.pop()!;
    for (const l of parts) (l.startsWith("#") ? tail.notes : tail.lines).push(l);
  });
  return tail;
}

/**
 * Until `count()` reaches `want`, or has not moved for 3 s: a tail that lost lines would otherwise be waited on
 * until the timeout, and its assertion is the better report.
 */
async function settle(what: string, count: () => number, want: number): Promise<void> {
  let last = -1;
  let since = Date.now();
  await waitFor(
    what,
    () => {
      const n = count();
      if (n >= want) return Promise.resolve(true);
      if (n !== last) {
        last = n;
        since = Date.now();
      }
      return Promise.resolve(Date.now() - since > 3000);
    },
    60_000,
  );
}

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { message: string });

describe("10,000 lines of one second, on every read path", () => {
  let web: Web | null = null;
  let collector: Collector | null = null;
  let agent: Agent | null = null;
  let index: LoggerIndex | null = null;
  let cleanupDir: () => Promise<void> = () => Promise.resolve();
  let baseUrl = "";
  let token = "";
  let idx = "";
  const HOST = `order-${uniqueName("h").slice(2)}`;
  let file = "";
  let second = 0;
  const tails: { close: () => Promise<void> }[] = [];
  /** Opened before the second began: every line, the first half live (held until its time), the second live. */
  let fromNow: LiveTail;
  let stream: StreamTail;
  /** Opened between the halves, BACKFILL lines before the first half's end: those back-filled, the rest live. */
  let afterCursor: LiveTail;
  /** `alco tail -n 100 --json` started between the halves. */
  let cliTail: CliRun;

  const auth = () => ({ authorization: `Bearer ${token}` });

  async function get<T>(route: string, params: Record<string, string | string[]> = {}): Promise<T> {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
    const res = await fetch(`${baseUrl}${route}?${sp}`, { headers: auth() });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${route}?${sp}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
  const grep = (params: Record<string, string>) =>
    get<GrepResult>(`/api/grep/${idx}`, { limit: String(PAGE), ...params });
  /** Line n's record, found by the words of its path. */
  async function lineRecord(n: number): Promise<LogRecord> {
    const { records } = await grep({ q: `item/${n}`, limit: "2" });
    expect(numbers(records), `line ${n} by search`).toEqual([n]);
    return records[0]!;
  }
  const cli = (args: string[]) => runCli(args, { ALCO_URL: baseUrl, ALCO_TOKEN: token });

  beforeAll(async () => {
    await ensureWebBuild();
    buildWorkers();
    // The tails that start now take the whole first half at once, live: above the default 1000 lines a second
    // they would be sampled, and sampling is not what this test is about.
    const webStarting = startWeb({ LIVE_MAX_LINES_PER_SEC: "100000" }).then((w) => (web = w));
    index = await createTestIndex();
    idx = index.name;
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    token = (await createTestToken("read")).token;
    await webStarting;
    baseUrl = web!.baseUrl;

    const dir = await tempDir();
    cleanupDir = dir.cleanup;
    file = path.join(dir.dir, "access.log");
    second = Math.ceil(Date.now() / 1000) * 1000 + LEAD_MS;
    const time = clfTime(second);
    await writeFile(file, fileLines(1, HALF, time));

    fromNow = await openLive(`${baseUrl}/api/grep/${idx}/live`, auth());
    tails.push(fromNow);
    stream = await openStream(`${baseUrl}/stream?app=${encodeURIComponent(`^${idx}$`)}`, auth());
    tails.push(stream);
    await waitFor("the tails from now ready", () =>
      Promise.resolve(fromNow.ready && stream.notes.length > 0),
    );
    if (Date.now() >= second)
      throw new Error(
        `the tails from now took over ${LEAD_MS} ms to open: their start is past the lines' time`,
      );

    agent = new Agent({
      url: process.env.AMQP_URL!,
      exchange: process.env.AMQP_EXCHANGE!,
      prefix: "files",
      index: idx,
      logger: "nginx",
      host: HOST,
      tags: [],
      statePath: path.join(dir.dir, "agent.json"),
      fromStart: true,
      format: "auto",
      patterns: [file],
      log: () => undefined,
      pollMs: 50,
      globIntervalMs: 100,
      multilineIdleMs: 100,
    });
    await agent.start();
    await waitFor("the first half stored", async () => (await engineCount(idx)) === HALF, 60_000);
    // Past the second (and the live tails' reorder wait): reads that start from now see all of it.
    await new Promise((r) => setTimeout(r, Math.max(0, second + 1500 - Date.now())));

    afterCursor = await openLive(
      `${baseUrl}/api/grep/${idx}/live?after=${encodeURIComponent(cursorOf(await lineRecord(HALF - BACKFILL)))}`,
      auth(),
    );
    tails.push(afterCursor);
    const child = startCli(["tail", idx, "--lines", "100", "--json"], {
      ALCO_URL: baseUrl,
      ALCO_TOKEN: token,
    });
    const { output, done } = collectCli(child);
    cliTail = output;
    tails.push({
      close: async () => {
        if (child.exitCode === null) child.kill("SIGINT");
        await done;
      },
    });
    await waitFor("alco tail's last 100 lines", () =>
      Promise.resolve(jsonLines(output.stdout).length >= 100),
    );
    await waitFor("the tail after a cursor ready", () => Promise.resolve(afterCursor.ready));

    await appendFile(file, fileLines(HALF + 1, LINES, time));
    await waitFor("every line stored", async () => (await engineCount(idx)) === LINES, 60_000);
    await Promise.all([
      settle("the tail from now", () => fromNow.records.length, LINES),
      settle("/stream", () => stream.lines.length, LINES),
      settle("the tail after a cursor", () => afterCursor.records.length, LINES - HALF + BACKFILL),
      settle("alco tail", () => jsonLines(output.stdout).length, LINES - HALF + 100),
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const t of tails) await t.close();
    await agent?.stop();
    await web?.stop();
    await collector?.stop();
    if (index) await dropTestIndex(index);
    await cleanupDir();
  });

  it("grep pages of 100 from the newest line down to the first, and back up by the cursors", async () => {
    const down: GrepResult[] = [];
    for (let before: string | null = null; down.length <= LINES / PAGE;) {
      const page: GrepResult = await grep(before ? { before } : {});
      down.push(page);
      before = page.cursors.older;
      if (!before) break;
    }
    expect(
      difference(
        down.flatMap((p) => numbers(p.records)),
        span(LINES, 1),
      ),
      "down",
    ).toBeNull();
    expect(down.map((p) => p.records.length)).toEqual(Array(LINES / PAGE).fill(PAGE));

    const up: GrepResult[] = [];
    for (let after = down.at(-1)!.cursors.newer!; up.length <= LINES / PAGE;) {
      const page = await grep({ after });
      if (page.records.length === 0) break;
      up.push(page);
      after = page.cursors.newer!;
    }
    expect(
      difference(
        up.reverse().flatMap((p) => numbers(p.records)),
        span(LINES, PAGE + 1),
      ),
      "up",
    ).toBeNull();
  });

  it("grep pages of 100 from the oldest line (the reader's start=oldest) up to the newest, and back down", async () => {
    // As the reader starts a list from the oldest line: just before its `from` (here an hour before the lines).
    const up: GrepResult[] = [];
    for (let after = timeCursor(second - 3_600_000 - 1); up.length <= LINES / PAGE;) {
      const page = await grep({ after, from: String(second - 3_600_000) });
      if (page.records.length === 0) break;
      up.push(page);
      after = page.cursors.newer!;
    }
    expect(
      difference(
        up.flatMap((p) => numbers(p.records).reverse()),
        span(1, LINES),
      ),
      "up",
    ).toBeNull();
    expect(up.map((p) => p.records.length)).toEqual(Array(LINES / PAGE).fill(PAGE));

    const down: GrepResult[] = [];
    for (let before = up.at(-1)!.cursors.older; before && down.length <= LINES / PAGE;) {
      const page: GrepResult = await grep({ before });
      down.push(page);
      before = page.cursors.older;
    }
    expect(
      difference(
        down.flatMap((p) => numbers(p.records)),
        span(LINES - PAGE, 1),
      ),
      "down",
    ).toBeNull();
  });

  it("a permalink to a line (start= and focus=) reads the pages around it, both ways", async () => {
    const at = cursorOf(await lineRecord(HALF + 1));
    // The reader's first page for `start=<cursor>` is the one just older than it; then up and down from there.
    const first = await grep({ before: at });
    const pages = [first];
    for (let i = 0, before = first.cursors.older; i < 2 && before; i++) {
      const page: GrepResult = await grep({ before });
      pages.push(page);
      before = page.cursors.older;
    }
    for (let i = 0, after = first.cursors.newer; i < 3 && after; i++) {
      const page: GrepResult = await grep({ after });
      pages.unshift(page);
      after = page.cursors.newer;
    }
    const read = pages.flatMap((p) => numbers(p.records));
    expect(difference(read, span(HALF + 3 * PAGE, HALF - 3 * PAGE + 1))).toBeNull();
    // The focused line is found among them by its cursor, as the reader finds it.
    expect(pages.flatMap((p) => p.records).filter((r) => cursorOf(r) === at)).toHaveLength(1);
  });

  it("the context of the middle line, 100 each side, extended to both ends as the context view does", async () => {
    const anchor = await lineRecord(HALF);
    const at = cursorOf(anchor);
    const context = (params: Record<string, string>) =>
      get<ContextResult>(`/api/grep/${idx}/context`, {
        filter: [`host:${anchor.host}`, `logger:${anchor.logger}`],
        ...params,
      });
    const alone = await get<ContextResult>(`/api/grep/${idx}/context`, { at, before: "0", after: "0" });
    expect(alone.anchorId).toBe(anchor.id);
    expect(numbers(alone.records)).toEqual([HALF]);

    const middle = await context({ at, before: String(PAGE), after: String(PAGE) });
    expect(difference(numbers(middle.records), span(HALF - PAGE, HALF + PAGE)), "around").toBeNull();
    const pages = [middle];
    for (let older = middle.cursors.older; older && pages.length <= LINES / PAGE;) {
      const page = await context({ at: older, before: String(PAGE), after: "0" });
      pages.unshift(page);
      older = page.cursors.older;
    }
    for (let newer = middle.cursors.newer; newer && pages.length <= 2 * (LINES / PAGE);) {
      const page = await context({ at: newer, before: "0", after: String(PAGE) });
      pages.push(page);
      newer = page.cursors.newer;
    }
    expect(
      difference(
        pages.flatMap((p) => numbers(p.records)),
        span(1, LINES),
      ),
      "extended",
    ).toBeNull();
  });

  it("export streams every line, NDJSON newest first and text oldest first (file order)", async () => {
    for (const format of ["ndjson", "text"]) {
      const res = await fetch(`${baseUrl}/api/grep/${idx}/export?format=${format}`, { headers: auth() });
      expect(res.status, format).toBe(200);
      const body = await res.text();
      const got =
        format === "ndjson"
          ? numbers(jsonLines(body))
          : body
              .split("\n")
              .filter((l) => l !== "")
              .map(lineNo);
      expect(difference(got, format === "ndjson" ? span(LINES, 1) : span(1, LINES)), format).toBeNull();
    }
  });

  it("the live tail from now sends every line once, in file order", () => {
    expect(difference(numbers(fromNow.records), span(1, LINES))).toBeNull();
    expect(fromNow.dropped).toBe(0);
  });

  it("the live tail from a cursor back-fills, then goes on live, in file order", () => {
    expect(difference(numbers(afterCursor.records), span(HALF - BACKFILL + 1, LINES))).toBeNull();
    expect(afterCursor.dropped).toBe(0);
  });

  it("the live tail resumed with Last-Event-ID back-fills exactly the lines after that event", async () => {
    // An event of the tail from now, as an EventSource that lost its connection after it resends it.
    const event = fromNow.events.find((e) => e.count >= LINES - BACKFILL) ?? fromNow.events[0]!;
    const resumeAfter = lineNo(fromNow.records[event.count - 1]!.message);
    const resumed = await openLive(`${baseUrl}/api/grep/${idx}/live`, {
      ...auth(),
      "last-event-id": event.id,
    });
    try {
      await waitFor("the resumed tail ready", () => Promise.resolve(resumed.ready));
      expect(difference(numbers(resumed.records), span(resumeAfter + 1, LINES))).toBeNull();
      expect(resumed.dropped).toBe(0);
    } finally {
      await resumed.close();
    }
  });

  it("/stream writes every line once, in file order", () => {
    const got = stream.lines.map((l) => {
      expect(l.startsWith(`${new Date(second).toISOString()} ${idx}[nginx] ${HOST}: `), l).toBe(true);
      return lineNo(l);
    });
    expect(difference(got, span(1, LINES))).toBeNull();
    expect(stream.notes.filter((n) => !/^# (following|keepalive)/.test(n))).toEqual([]);
  });

  it("alco tail prints its last 100 lines, then every later one, in file order", () => {
    expect(difference(numbers(jsonLines(cliTail.stdout)), span(HALF - PAGE + 1, LINES))).toBeNull();
    expect(cliTail.stderr).toBe("");
  });

  it("alco query prints the newest lines oldest first, in file order, across its pages of 1000", async () => {
    const all = await cli(["query", idx, "--limit", String(LINES), "--json"]);
    expect(all.stderr).toBe("");
    expect(difference(numbers(jsonLines(all.stdout)), span(1, LINES)), "--json").toBeNull();
    const text = await cli(["query", idx, "--limit", "250"]);
    expect(text.stderr).toBe("");
    const got = text.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map(lineNo);
    expect(difference(got, span(LINES - 249, LINES)), "text").toBeNull();
  });

  it("a host's logs (/api/hosts/<host>/logs and /hosts/<host>/logs), 1000 at a time, newest first", async () => {
    type Line = { logline: string };
    for (let k = 0; k < LINES / BLOCK; k++) {
      const want = span((k + 1) * BLOCK, k * BLOCK + 1);
      const params = { filter: `blk${k}`, count: String(BLOCK) };
      const api = await get<{ data: Line[] }>(`/api/hosts/${HOST}/logs`, params);
      expect(
        difference(
          api.data.map((l) => lineNo(l.logline)),
          want,
        ),
        `/api block ${k}`,
      ).toBeNull();
      const seed = await get<{ data: Line[] }>(`/hosts/${HOST}/logs`, params);
      expect(
        difference(
          seed.data.map((l) => lineNo(l.logline)),
          want,
        ),
        `seed block ${k}`,
      ).toBeNull();
    }
    // One source by its file: the records with that `file` and those of a logger of that name, merged.
    const byFile = await get<{ data: Line[] }>(`/hosts/${HOST}/logs`, { file, count: String(BLOCK) });
    expect(
      difference(
        byFile.data.map((l) => lineNo(l.logline)),
        span(LINES, LINES - BLOCK + 1),
      ),
    ).toBeNull();
  });
});
