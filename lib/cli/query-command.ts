/** `alco query <logger> [expr]`: the newest matches, printed oldest first like a log file, or as NDJSON. */
import type { CliContext } from "./cli-context";
import { fetchNewest } from "./fetch-records";
import { formatRecord } from "./format-record";

export async function runQuery(
  ctx: CliContext,
  cmd: { logger: string; expr: string; from?: number; to?: number; limit: number; json: boolean },
): Promise<void> {
  const { records } = await fetchNewest(
    ctx.client,
    { logger: cmd.logger, q: cmd.expr, from: cmd.from, to: cmd.to, limit: cmd.limit },
    ctx.signal,
  );
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    ctx.out(cmd.json ? JSON.stringify(r) : formatRecord(r, { color: ctx.color }));
  }
}
