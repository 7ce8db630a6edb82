/**
 * The hosts seen in the indexes a caller may read: the `host` values Redis tracks for each index (the most
 * recently seen ones the collector keeps, with when each was last seen), unioned. An index whose `host` column is
 * not tracked, or every index while Redis is unreachable, is counted by the engine instead (one GROUP BY host per
 * index, in one round trip).
 */
import { readFieldValues } from "@/lib/collector/field-values";
import { groupCountsSql } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { facetValueText } from "@/lib/query/search-facets";
import { servedIndexes, type HostSources, type ReadableIndex } from "./host-sources";
import { hostUrls, type HostSummary } from "./schema";

/** More than the collector keeps per column (VALUES_PER_COLUMN, default 1000): all of them. */
export const MAX_TRACKED_HOSTS = 100_000;
/** Groups one engine GROUP BY returns per index. */
export const MAX_ENGINE_HOSTS = 10_000;

async function trackedHosts(sources: HostSources, indexes: ReadableIndex[]): Promise<Map<string, number>> {
  const lists = await Promise.all(
    indexes.map((i) =>
      readFieldValues(sources.redis(), sources.redisPrefix, i.name, "host", MAX_TRACKED_HOSTS),
    ),
  );
  const seen = new Map<string, number>();
  for (const list of lists)
    for (const v of list) seen.set(v.value, Math.max(seen.get(v.value) ?? 0, v.lastSeen));
  return seen;
}

async function engineHosts(sources: HostSources, indexes: ReadableIndex[]): Promise<Map<string, number>> {
  const served = await servedIndexes(sources.engine, indexes);
  const sets = await runStatements(
    sources.engine,
    served.map((i) =>
      groupCountsSql({ tables: [i.name], match: null, filters: [], field: "host", limit: MAX_ENGINE_HOSTS }),
    ),
  );
  const seen = new Map<string, number>();
  for (const rows of sets)
    for (const r of rows) {
      const host = facetValueText(r.group_value);
      if (host !== null) seen.set(host, Math.max(seen.get(host) ?? 0, Number(r.last_ts)));
    }
  return seen;
}

export async function listHosts(sources: HostSources, indexes: ReadableIndex[]): Promise<HostSummary[]> {
  let fromRedis = new Map<string, number>();
  let untracked = indexes.filter((i) => !i.hostTracked);
  const tracked = indexes.filter((i) => i.hostTracked);
  if (tracked.length) {
    try {
      fromRedis = await trackedHosts(sources, tracked);
    } catch (err) {
      sources.log?.(`hosts: Redis unavailable, counting hosts in the engine: ${(err as Error).message}`);
      untracked = indexes;
    }
  }
  const fromEngine = untracked.length ? await engineHosts(sources, untracked) : new Map<string, number>();
  const seen = new Map(fromRedis);
  for (const [host, ts] of fromEngine) seen.set(host, Math.max(seen.get(host) ?? 0, ts));
  return [...seen]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([host, ts]) => ({
      host,
      ...hostUrls(host),
      last_seen: ts > 0 ? new Date(ts).toISOString() : null,
    }));
}
