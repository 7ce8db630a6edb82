import { describe, it, expect } from "vitest";
import { dailyTables } from "@/lib/engine/retention";
import { renderSearchdConfig, type SearchdSettings } from "@/lib/engine/searchd-config";
import { HEALTH_TABLE } from "@/lib/engine/sphinxql-dialect";
import {
  MANTICORE_INDEX_KEYS,
  MANTICORE_SEARCHD_KEYS,
  type KeyStatus,
} from "@/test/fixtures/manticore-6.3.6-config-keys";

const NOW = Date.UTC(2026, 10, 21, 13, 45, 0);
const SETTINGS: SearchdSettings = {
  flavor: "sphinx2",
  dataDir: "/var/lib/alco/searchd",
  host: "127.0.0.1",
  port: 9306,
};
const INDEXES = [
  { name: "web", retentionDays: 2 },
  { name: "billing_api", retentionDays: 3 },
];

type Block = { name: string; body: string[]; at: number };

function indexBlocks(text: string): Block[] {
  return [...text.matchAll(/^index (\S+) \{\n([\s\S]*?)\n\}$/gm)].map((m) => ({
    name: m[1]!,
    body: m[2]!.split("\n").map((l) => l.trim()),
    at: m.index,
  }));
}

const isDistributed = (b: Block) => b.body.includes("type = distributed");

describe("renderSearchdConfig", () => {
  const { text, tables } = renderSearchdConfig(SETTINGS, INDEXES, NOW);
  const blocks = indexBlocks(text);

  it("declares every local table before any distributed table, so a SIGHUP reload picks new ones up", () => {
    const firstDistributed = blocks.findIndex(isDistributed);
    expect(firstDistributed).toBeGreaterThan(0);
    expect(blocks.slice(firstDistributed).every(isDistributed)).toBe(true);
    expect(blocks.slice(0, firstDistributed).every((b) => b.body.includes("type = rt"))).toBe(true);
  });

  it("declares the health table", () => {
    const health = blocks.find((b) => b.name === HEALTH_TABLE);
    expect(health?.body).toContain("type = rt");
    expect(health?.body).toContain(`path = ${SETTINGS.dataDir}/${HEALTH_TABLE}`);
  });

  it("declares one distributed table per index listing exactly its daily tables", () => {
    const distributed = blocks.filter(isDistributed);
    expect(distributed.map((b) => b.name).sort()).toEqual(["billing_api", "web"]);
    for (const idx of INDEXES) {
      const block = distributed.find((b) => b.name === idx.name)!;
      const locals = block.body
        .filter((l) => l.startsWith("local = "))
        .map((l) => l.slice("local = ".length));
      expect(locals).toEqual(dailyTables(idx.name, idx.retentionDays, NOW));
    }
  });

  it("declares each daily table once, as an RT table with the record schema and its own path", () => {
    const locals = blocks.filter((b) => !isDistributed(b) && b.name !== HEALTH_TABLE);
    expect(locals.map((b) => b.name).sort()).toEqual([...tables].sort());
    expect(new Set(locals.map((b) => b.name)).size).toBe(locals.length);
    for (const b of locals) {
      expect(b.body).toContain("type = rt");
      expect(b.body).toContain(`path = ${SETTINGS.dataDir}/${b.name}`);
      expect(b.body).toContain("rt_attr_bigint = ts");
      expect(b.body).toContain("rt_attr_json = js");
      expect(b.body).toContain("rt_mem_limit = 64M");
    }
  });

  it("returns the daily tables of every index", () => {
    expect([...tables].sort()).toEqual(
      [...dailyTables("billing_api", 3, NOW), ...dailyTables("web", 2, NOW)].sort(),
    );
  });

  it("writes the same file whatever order the indexes come in", () => {
    expect(renderSearchdConfig(SETTINGS, [...INDEXES].reverse(), NOW).text).toBe(text);
  });

  it("listens with the MySQL protocol on the given address", () => {
    expect(text).toContain("listen = 127.0.0.1:9306:mysql41");
  });

  it("uses the given RAM chunk size", () => {
    const custom = renderSearchdConfig({ ...SETTINGS, rtMemLimit: "16M" }, INDEXES, NOW).text;
    expect(custom).toContain("rt_mem_limit = 16M");
    expect(custom).not.toContain("rt_mem_limit = 64M");
  });

  it("still declares the health table when there are no indexes", () => {
    const empty = renderSearchdConfig(SETTINGS, [], NOW);
    expect(empty.tables).toEqual([]);
    expect(indexBlocks(empty.text).map((b) => b.name)).toEqual([HEALTH_TABLE]);
  });

  it("refuses an invalid index name", () => {
    expect(() => renderSearchdConfig(SETTINGS, [{ name: "Bad Name", retentionDays: 1 }], NOW)).toThrow(
      /invalid index name/,
    );
  });
});

/** Every `key = value` line of every section, by section kind (`index` or `searchd`). */
function directives(text: string): { section: "index" | "searchd"; key: string; value: string }[] {
  return [...text.matchAll(/^(index|searchd)\b[^{]*\{\n([\s\S]*?)\n\}$/gm)].flatMap((m) =>
    m[2]!.split("\n").map((line) => {
      const [key, ...value] = line.trim().split("=");
      return { section: m[1] as "index" | "searchd", key: key!.trim(), value: value.join("=").trim() };
    }),
  );
}

/** What Manticore 6.3.6's config parser says of each directive that is not plainly known. */
function manticoreComplaints(text: string): string[] {
  const known = { index: MANTICORE_INDEX_KEYS, searchd: MANTICORE_SEARCHD_KEYS };
  return directives(text).flatMap(({ section, key }) => {
    const status: KeyStatus | undefined = known[section][key];
    return status === "ok" ? [] : [`${section}.${key}: ${status ?? "unknown"}`];
  });
}

describe("renderSearchdConfig for Manticore", () => {
  const settings: SearchdSettings = { ...SETTINGS, flavor: "manticore" };
  const { text, tables } = renderSearchdConfig(settings, INDEXES, NOW);
  const blocks = indexBlocks(text);

  it("uses no directive Manticore 6.3.6 removed, deprecated or does not know", () => {
    expect(manticoreComplaints(text)).toEqual([]);
  });

  it("would be warned about with the Sphinx 2.2 config, so the check above sees what it must", () => {
    expect(manticoreComplaints(renderSearchdConfig(SETTINGS, INDEXES, NOW).text)).toEqual([
      "searchd.workers: deprecated",
      "searchd.dist_threads: deprecated",
      "searchd.read_timeout: deprecated",
    ]);
  });

  it("stores no full-text field, so the message is kept once as text and once as `msg`", () => {
    const locals = blocks.filter((b) => !isDistributed(b));
    expect(locals.map((b) => b.name).sort()).toEqual([HEALTH_TABLE, ...tables].sort());
    for (const b of locals) expect(b.body).toContain("stored_fields =");
    for (const b of blocks.filter(isDistributed))
      expect(b.body.some((l) => l.startsWith("stored_fields"))).toBe(false);
  });

  it("asks for exact GROUP BY counts and keeps 2.2's network timeout under its new name", () => {
    const searchd = directives(text).filter((d) => d.section === "searchd");
    expect(searchd).toContainEqual({ section: "searchd", key: "accurate_aggregation", value: "1" });
    expect(searchd).toContainEqual({ section: "searchd", key: "network_timeout", value: "30" });
  });

  it("declares the same tables in the same order as for Sphinx 2.2, one setting apart", () => {
    const sphinx = renderSearchdConfig(SETTINGS, INDEXES, NOW);
    expect(sphinx.tables).toEqual(tables);
    expect(blocks.map((b) => b.name)).toEqual(indexBlocks(sphinx.text).map((b) => b.name));
    expect(sphinx.text).not.toContain("stored_fields");
    expect(sphinx.text).not.toContain("accurate_aggregation");
  });
});
