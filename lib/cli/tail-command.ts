/**
 * `alco tail <logger> [expr]`: like `tail -f`: the last `--lines` matching lines from the grep API, then the
 * live stream (GET /api/grep/<logger>/live) from right after the newest of them. Every record is printed once:
 * the stream resumes after the last event id, and a record at or before the last one printed is skipped, should
 * a server send it again.
 */
import { comparePositions, decodeCursor, encodeCursor, type Cursor } from "@/lib/query/cursor";
import type { LogRecord } from "@/lib/query/wire";
import type { CliContext } from "./cli-context";
import { fetchNewest, grepPath } from "./fetch-records";
import { formatRecord } from "./format-record";
import { followLive } from "./live-follower";
import type { SseMessage } from "@/lib/live/sse-parser";

export type TailOptions = { logger: string; expr: string; lines: number; json: boolean };

function recordsOf(data: string): LogRecord[] | null {
  try {
    const body = JSON.parse(data) as { records?: unknown };
    return Array.isArray(body.records) ? (body.records as LogRecord[]) : null;
  } catch {
    return null;
  }
}

/** A server from before seq existed sends none: its records all sit at seq 0. */
function positionOfRecord(r: LogRecord): Cursor {
  const seq = typeof r.seq === "string" && /^\d{1,20}$/.test(r.seq) ? r.seq : "0";
  return { ts: r.ts, seq, id: r.id };
}

export async function runTail(
  ctx: CliContext,
  cmd: TailOptions,
  follow: { idleTimeoutMs?: number; firstDelayMs?: number } = {},
): Promise<void> {
  // At least one record, even for --lines 0: the newest is where the stream starts.
  const history = await fetchNewest(
    ctx.client,
    { logger: cmd.logger, q: cmd.expr, limit: Math.max(1, cmd.lines) },
    ctx.signal,
  );
  let last = history.records[0] ? positionOfRecord(history.records[0]) : null;
  const print = (r: LogRecord) =>
    ctx.out(cmd.json ? JSON.stringify(r) : formatRecord(r, { color: ctx.color }));
  for (const r of history.records.slice(0, cmd.lines).reverse()) print(r);

  const onEvent = (e: SseMessage) => {
    if (e.event === "records") {
      const records = recordsOf(e.data);
      if (!records) {
        ctx.err('alco: skipped a records event that is not {"records": [...]}');
        return;
      }
      for (const r of records) {
        if (typeof r?.ts !== "number" || typeof r.id !== "string" || !/^\d{1,20}$/.test(r.id)) continue;
        const at = positionOfRecord(r);
        if (last && comparePositions(at, last) <= 0) continue;
        print(r);
        last = at;
      }
    } else if (e.event === "sampled") {
      let dropped = "some";
      try {
        const n = (JSON.parse(e.data) as { dropped?: unknown }).dropped;
        if (typeof n === "number") dropped = String(n);
      } catch {
        // The notice matters more than its number.
      }
      ctx.err(`alco: ${dropped} records were not streamed (too many per second); alco query shows them all`);
    }
  };

  await followLive({
    client: ctx.client,
    path: grepPath(cmd.logger, "/live"),
    params: { q: cmd.expr },
    afterParam: (id) => decodeCursor(id) !== null,
    lastId: last ? encodeCursor(last) : undefined,
    onEvent,
    log: (line) => ctx.err(`alco: ${line}`),
    signal: ctx.signal,
    ...follow,
  });
}
