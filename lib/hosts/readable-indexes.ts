/** The logger indexes a caller may read, each with whether Redis tracks its `host` values. */
import "server-only";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loggerColumns } from "@/db/schema";
import { canReadIndex, type Principal } from "@/lib/auth/authenticate";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import type { ReadableIndex } from "./host-sources";

export async function readableIndexes(db: Db, principal: Principal): Promise<ReadableIndex[]> {
  const [indexes, tracked] = await Promise.all([
    listIndexes(db),
    db
      .select({ indexName: loggerColumns.indexName })
      .from(loggerColumns)
      .where(and(eq(loggerColumns.name, "host"), eq(loggerColumns.filtered, true))),
  ]);
  const trackedNames = new Set(tracked.map((t) => t.indexName));
  return indexes
    .filter((i) => canReadIndex(principal, i.name))
    .map((i) => ({ name: i.name, hostTracked: trackedNames.has(i.name) }));
}
