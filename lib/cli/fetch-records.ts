/**
 * The newest records of a grep query, as many as asked: pages of up to 1000 (the API's largest) down the
 * `before` cursor until there are enough or nothing older.
 */
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import type { AlcoClient } from "./http-client";

export const MAX_PAGE = 1000;

export type RecordsQuery = { logger: string; q: string; from?: number; to?: number; limit: number };

export function grepPath(logger: string, suffix = ""): string {
  return `/api/grep/${encodeURIComponent(logger)}${suffix}`;
}

/** Newest first; `newer` is the cursor of the newest record (null when there is none). */
export async function fetchNewest(
  client: AlcoClient,
  query: RecordsQuery,
  signal?: AbortSignal,
): Promise<{ records: LogRecord[]; newer: string | null }> {
  const records: LogRecord[] = [];
  let newer: string | null = null;
  let before: string | undefined;
  while (records.length < query.limit) {
    const page = await client.getJson<GrepResult>(
      grepPath(query.logger),
      {
        q: query.q,
        from: query.from,
        to: query.to,
        limit: Math.min(MAX_PAGE, query.limit - records.length),
        before,
      },
      signal,
    );
    if (before === undefined) newer = page.records.length ? page.cursors.newer : null;
    records.push(...page.records);
    // A page a regular expression's scan budget cut short may hold nothing and still go on.
    if (!page.cursors.older || (page.records.length === 0 && !page.truncated)) break;
    before = page.cursors.older;
  }
  return { records, newer };
}
