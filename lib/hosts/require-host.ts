/**
 * Whether a host is known to any index the caller may read: Redis tracks it (the hosts list shows it), or the
 * engine holds a record of it. The engine check stops at the first record (`cutoff=1`), so it is cheap where the
 * host logs and scans once where it does not; it runs only when Redis does not know the host.
 */
import { AppError } from "@/lib/errors/app-error";
import { valuesKey } from "@/lib/collector/field-values";
import { anyRecordSql } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { servedIndexes, type HostSources, type ReadableIndex } from "./host-sources";
import { isHostName } from "./schema";

async function trackedAnywhere(
  sources: HostSources,
  indexes: ReadableIndex[],
  host: string,
): Promise<boolean> {
  const tracked = indexes.filter((i) => i.hostTracked);
  if (tracked.length === 0) return false;
  try {
    const pipeline = sources.redis().pipeline();
    for (const i of tracked) pipeline.zscore(valuesKey(sources.redisPrefix, i.name, "host"), host);
    const results = (await pipeline.exec()) ?? [];
    return results.some(([err, score]) => !err && score !== null);
  } catch (err) {
    sources.log?.(`hosts: Redis unavailable, asking the engine for ${host}: ${(err as Error).message}`);
    return false;
  }
}

export async function hostExists(
  sources: HostSources,
  indexes: ReadableIndex[],
  host: string,
): Promise<boolean> {
  if (!isHostName(host)) return false;
  if (await trackedAnywhere(sources, indexes, host)) return true;
  const served = await servedIndexes(sources.engine, indexes);
  const sets = await runStatements(
    sources.engine,
    served.map((i) =>
      anyRecordSql({
        tables: [i.name],
        match: null,
        filters: [{ field: "host", values: [host], negate: false }],
      }),
    ),
  );
  return sets.some((rows) => rows.length > 0);
}

/** `not_found` for a host no readable index knows. */
export async function requireHost(
  sources: HostSources,
  indexes: ReadableIndex[],
  host: string,
): Promise<void> {
  if (!(await hostExists(sources, indexes, host)))
    throw new AppError(
      "not_found",
      `no host named ${JSON.stringify(host.slice(0, 64))} in the indexes you can read`,
    );
}
