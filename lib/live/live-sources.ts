/**
 * Where a live session back-fills from: keyset pages of the index, oldest first after a cursor. For one index and
 * a grep query the engine does the matching (searchRecords, with its highlights); for a stitched /stream the
 * indexes are paged side by side and merged, and the session's matcher filters (regexes the engine cannot run).
 */
import type { Engine } from "@/lib/engine/engine-client";
import { selectRecordsSql, type Cursor } from "@/lib/engine/sphinxql-dialect";
import { comparePositions, decodeCursor, positionOf as position } from "@/lib/query/cursor";
import type { GrepParams } from "@/lib/query/schema";
import { searchRecords, toLogRecord } from "@/lib/query/search-records";
import type { LiveItem, LiveSource } from "./live-session";

export function grepSource(
  engine: Engine,
  index: string,
  query: Pick<GrepParams, "q" | "filter">,
): LiveSource {
  const base = { q: query.q, filter: query.filter, from: undefined, to: undefined, before: undefined };
  return {
    async after(cursor, limit) {
      const page = await searchRecords(engine, index, { ...base, limit, after: cursor });
      const items = page.records.reverse().map((record) => ({ index, record }));
      const last = items[items.length - 1]?.record;
      return {
        items,
        scanned: last ? position(last) : null,
        more: items.length === limit,
        total: page.total,
      };
    },
    async newest(floor, limit) {
      const collected: LiveItem[] = [];
      let before: Cursor | undefined;
      // One more than kept: the newest record left out is where the skipped part ends.
      while (collected.length <= limit) {
        const page = await searchRecords(engine, index, {
          ...base,
          from: floor.ts,
          limit: Math.min(1000, limit + 1 - collected.length),
          before,
          after: undefined,
        });
        for (const record of page.records)
          if (comparePositions(record, floor) > 0) collected.push({ index, record });
        const older = page.cursors.older ? decodeCursor(page.cursors.older) : null;
        if (!older || page.records.length === 0) break;
        before = older;
      }
      const skipped = collected[limit]?.record;
      return { items: collected.slice(0, limit).reverse(), before: skipped ? position(skipped) : null };
    },
  };
}

/** Several indexes in one position order; `matches` picks the records (the engine is asked for all of them). */
export function stitchedSource(
  engine: Engine,
  indexes: string[],
  matches: (item: LiveItem) => boolean,
): LiveSource {
  return {
    async after(cursor, limit) {
      const pages = await Promise.all(
        indexes.map(async (index) => {
          const rows = await engine.query(
            selectRecordsSql({
              tables: [index],
              match: null,
              filters: [],
              cursor: { at: cursor, direction: "newer" },
              limit,
              highlight: null,
            }),
          );
          return { full: rows.length === limit, items: rows.map((r) => ({ index, record: toLogRecord(r) })) };
        }),
      );
      const merged = pages
        .flatMap((p) => p.items)
        .sort(
          (a, b) =>
            comparePositions(a.record, b.record) || (a.index < b.index ? -1 : a.index > b.index ? 1 : 0),
        );
      // Past the limit-th record, some index may have rows not fetched yet: the next page starts there.
      const taken = merged.slice(0, limit);
      const last = taken[taken.length - 1]?.record;
      return {
        items: taken.filter(matches),
        scanned: last ? position(last) : null,
        more: merged.length > limit || pages.some((p) => p.full),
        total: null,
      };
    },
  };
}
