/**
 * The sources a host's records came from, counted by the engine over a bounded window: the record field `file`
 * (the file-tailing agent sets it to the path), and for records without one, their logger. Two GROUP BYs per
 * readable index (by `file`; by logger where `file` is absent), all in one round trip.
 */
import type { Engine } from "@/lib/engine/engine-client";
import { groupCountsSql, type FieldFilter } from "@/lib/engine/sphinxql-dialect";
import { runStatements } from "@/lib/engine/run-statements";
import { facetValueText } from "@/lib/query/search-facets";
import { servedIndexes, type ReadableIndex } from "./host-sources";
import type { HostFile, HostFilesParams } from "./schema";

/** Sources counted per index and kind; a host with more files than this shows the busiest. */
export const MAX_SOURCES = 1000;

export const FILE_FIELD = "file";

export function hostFilter(host: string): FieldFilter {
  return { field: "host", values: [host], negate: false };
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const byNameThenIndex = (a: HostFile, b: HostFile) => cmp(a.filename, b.filename) || cmp(a.index, b.index);

export async function hostFiles(
  engine: Engine,
  indexes: ReadableIndex[],
  host: string,
  window: HostFilesParams,
): Promise<HostFile[]> {
  const served = await servedIndexes(engine, indexes);
  const scope = (index: string) => ({
    tables: [index],
    match: null,
    filters: [hostFilter(host)],
    fromMs: window.from,
    toMs: window.to,
    limit: MAX_SOURCES,
  });
  const sets = await runStatements(
    engine,
    served.flatMap((i) => [
      groupCountsSql({ ...scope(i.name), field: FILE_FIELD }),
      groupCountsSql({ ...scope(i.name), field: "logger", absentFields: [FILE_FIELD] }),
    ]),
  );
  const files: HostFile[] = [];
  served.forEach((index, k) => {
    for (const kind of ["file", "logger"] as const) {
      for (const r of sets[2 * k + (kind === "file" ? 0 : 1)] ?? []) {
        // Records without a `file` form the NULL group of the first statement (skipped); the second counts them.
        const filename = facetValueText(r.group_value);
        if (filename === null) continue;
        files.push({
          filename,
          kind,
          index: index.name,
          lines: Number(r.group_count),
          last_seen: new Date(Number(r.last_ts)).toISOString(),
        });
      }
    }
  });
  return files.sort(byNameThenIndex);
}
