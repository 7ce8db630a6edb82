/** The collector's column cache against PostgreSQL: what it registers, and that a deleted index cannot jam it. */
import { describe, expect, it } from "vitest";
import { createIndex, deleteIndex, listColumns, listIndexes } from "@/lib/indexes/logger-indexes";
import { db, uniqueName } from "@/test/helpers";
import { ColumnCache } from "./column-cache";

async function indexNames(): Promise<Set<string>> {
  return new Set((await listIndexes(db())).map((i) => i.name));
}

async function columnsOf(index: string): Promise<string[]> {
  return (await listColumns(db())).filter((c) => c.indexName === index).map((c) => c.name);
}

/** Runs a test with fresh logger indexes (rows only), deleted after it. */
async function withIndexes(count: number, test: (names: string[]) => Promise<void>): Promise<void> {
  const names = Array.from({ length: count }, () => uniqueName());
  for (const name of names) await createIndex(db(), { name });
  try {
    await test(names);
  } finally {
    for (const name of names) await deleteIndex(db(), name);
  }
}

describe("ColumnCache", () => {
  it("registers the columns it has seen", () =>
    withIndexes(1, async ([index]) => {
      const cache = new ColumnCache();
      cache.observe(index!, ["user_id", "order"]);
      await cache.sync(db(), await indexNames());
      expect(await columnsOf(index!)).toEqual(expect.arrayContaining(["order", "user_id"]));
    }));

  it("keeps registering columns after an index whose new columns were waiting is deleted", () =>
    withIndexes(2, async ([gone, kept]) => {
      const cache = new ColumnCache();
      cache.observe(gone!, ["orphan"]);
      await deleteIndex(db(), gone!);
      await cache.sync(db(), await indexNames());
      cache.observe(kept!, ["later"]);
      await cache.sync(db(), await indexNames());
      expect(await columnsOf(kept!)).toContain("later");
    }));

  it("recovers on the next sync when the index is deleted after the index list was read", () =>
    withIndexes(2, async ([gone, kept]) => {
      const cache = new ColumnCache();
      cache.observe(gone!, ["orphan"]);
      const listedBefore = await indexNames();
      await deleteIndex(db(), gone!);
      await expect(cache.sync(db(), listedBefore)).rejects.toThrow();
      cache.observe(kept!, ["later"]);
      await cache.sync(db(), await indexNames());
      expect(await columnsOf(kept!)).toContain("later");
    }));
});
