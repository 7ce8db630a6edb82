/**
 * The collector's view of each index's columns and their flags. Reads come from memory; columns seen for the
 * first time are registered in PostgreSQL in the background, so a PostgreSQL outage never stops indexing (new
 * columns get default flags until it is back).
 */
import type { Db } from "@/db/client";
import { listColumns, registerColumns } from "@/lib/indexes/logger-indexes";
import { defaultColumnFlags, type ColumnFlags } from "@/lib/indexes/schema";

/** Beyond this many columns an index registers no more (the records still keep every field). */
export const MAX_COLUMNS_PER_INDEX = 500;

export type ColumnRoles = { filtered: string[]; indexed: string[]; excluded: string[] };

export class ColumnCache {
  private flags = new Map<string, Map<string, ColumnFlags>>();
  private pending = new Map<string, Set<string>>();
  private roles = new Map<string, ColumnRoles>();

  /** The columns with each flag that matters per record, so a record's fields are not walked flag by flag. */
  rolesOf(index: string): ColumnRoles {
    let r = this.roles.get(index);
    if (!r) {
      r = { filtered: [], indexed: [], excluded: [] };
      for (const [name, f] of this.flags.get(index) ?? []) {
        if (f.filtered) r.filtered.push(name);
        if (f.indexed) r.indexed.push(name);
        if (f.excluded) r.excluded.push(name);
      }
      this.roles.set(index, r);
    }
    return r;
  }

  flagsOf(index: string, column: string): ColumnFlags {
    return this.flags.get(index)?.get(column) ?? defaultColumnFlags(column);
  }

  /** Notes columns; unknown ones are queued for registration. */
  observe(index: string, columns: Iterable<string>): void {
    let known = this.flags.get(index);
    if (!known) this.flags.set(index, (known = new Map<string, ColumnFlags>()));
    for (const c of columns) {
      if (known.has(c) || known.size >= MAX_COLUMNS_PER_INDEX || c.length > 128) continue;
      known.set(c, defaultColumnFlags(c));
      this.roles.delete(index);
      let p = this.pending.get(index);
      if (!p) this.pending.set(index, (p = new Set()));
      p.add(c);
    }
  }

  /**
   * Registers queued columns of the indexes that still exist, then reloads all flags (an admin may have changed
   * them). The columns of an index deleted since its records came are forgotten: their insert would fail on every
   * sync, and with it every refresh of the collector's index list.
   */
  async sync(db: Db, indexes: ReadonlySet<string>): Promise<void> {
    for (const [index, cols] of this.pending) {
      if (indexes.has(index)) await registerColumns(db, index, [...cols]);
      this.pending.delete(index);
    }
    const rows = await listColumns(db);
    const next = new Map<string, Map<string, ColumnFlags>>();
    for (const r of rows) {
      let m = next.get(r.indexName);
      if (!m) next.set(r.indexName, (m = new Map<string, ColumnFlags>()));
      m.set(r.name, {
        filtered: r.filtered,
        display: r.display,
        excluded: r.excluded,
        context: r.context,
        indexed: r.indexed,
      });
    }
    // Columns observed since the read started keep their defaults until the next sync.
    for (const [index, cols] of this.pending)
      for (const c of cols) next.get(index)?.set(c, defaultColumnFlags(c));
    this.flags = next;
    this.roles.clear();
  }
}
