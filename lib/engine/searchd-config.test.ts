import { describe, it, expect } from "vitest";
import { dailyTables } from "@/lib/engine/retention";
import { renderSearchdConfig, type SearchdSettings } from "@/lib/engine/searchd-config";
import { HEALTH_TABLE } from "@/lib/engine/sphinxql-dialect";

const NOW = Date.UTC(2026, 10, 21, 13, 45, 0);
const SETTINGS: SearchdSettings = { dataDir: "/var/lib/alco/searchd", host: "127.0.0.1", port: 9306 };
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
