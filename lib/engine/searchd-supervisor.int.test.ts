/**
 * The engine-specific parts of starting searchd, against the Sphinx 2.2 installed here: the binary's banner and
 * the server's answers say "sphinx2", the config rendered for it starts searchd and serves its tables, the one
 * rendered for Manticore is refused (so the renderer must know its engine), and the engine's own missing-table
 * errors are read as "not served yet".
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine } from "./engine-client";
import { SearchdSupervisor, binaryFlavor } from "./searchd-supervisor";
import { isMissingTableError, replaceRowsSql, selectRecordsSql, VERSION_SQL } from "./sphinxql-dialect";
import { isTransientEngineError } from "./engine-errors";
import { decodeCursor } from "@/lib/query/cursor";

const NOW = Date.UTC(2026, 10, 21, 12);
const row = {
  id: "1",
  ts: NOW,
  seq: "0",
  message: "GET /health 200",
  fieldsText: "",
  lvl: 30,
  level: "info",
  logger: "",
  host: "",
  json: "{}",
};

async function withDataDir<T>(run: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-flavor-"));
  try {
    return await run(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe("searchd supervisor on Sphinx 2.2", () => {
  it("reads the binary's banner as Sphinx 2.2", async () => {
    expect(await binaryFlavor("searchd")).toBe("sphinx2");
  });

  it("starts the real searchd with the config rendered for Sphinx 2.2 and serves its tables", () =>
    withDataDir(async (dataDir) => {
      const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
      try {
        await supervisor.start([{ name: "shop", retentionDays: 1 }], NOW);
        expect(supervisor.engineFlavor).toBe("sphinx2");
        const config = await readFile(supervisor.configPath, "utf8");
        expect(config).toContain("dist_threads = 2");
        expect(config).not.toContain("stored_fields");
        const engine = createEngine(supervisor.address);
        try {
          expect(await engine.tables()).toEqual(
            new Set(["alco_health", "shop", "shop_20261121", "shop_20261122"]),
          );
          await engine.query(replaceRowsSql("shop_20261121", [row]));
          expect(await engine.query("SELECT id, msg FROM shop")).toEqual([{ id: "1", msg: row.message }]);
          // 2.2 answers SHOW STATUS with no version row; the flavor then comes from the handshake.
          expect(await engine.query(VERSION_SQL)).toEqual([]);
          expect(await engine.flavor()).toBe("sphinx2");
        } finally {
          await engine.close();
        }
      } finally {
        await supervisor.stop();
      }
    }));

  it("reads 2.2's own words for a table it does not serve as 'not served yet'", () =>
    withDataDir(async (dataDir) => {
      const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
      try {
        await supervisor.start([], NOW);
        const engine = createEngine(supervisor.address);
        try {
          const write = await engine.query(replaceRowsSql("shop_20261121", [row])).catch((e: unknown) => e);
          expect(isTransientEngineError(write)).toBe(true);
          const read = await engine.query("SELECT id FROM shop_20261121").catch((e: unknown) => e);
          expect(isMissingTableError(read)).toBe(true);
        } finally {
          await engine.close();
        }
      } finally {
        await supervisor.stop();
      }
    }));

  // 2.2.11 stops at the first Manticore-only key: "ERROR: unknown key name 'stored_fields' in … line 8".
  it("gives day tables written before the seq column that column at start, so reads over old and new days work", () =>
    withDataDir(async (dataDir) => {
      const shop = [{ name: "shop", retentionDays: 1 }];
      const old = new SearchdSupervisor({ dataDir, log: () => undefined });
      try {
        await old.start(shop, NOW);
        const engine = createEngine(old.address);
        try {
          // What a day table written by the previous version looks like: no seq, rows written without it.
          await engine.query("ALTER TABLE shop_20261121 DROP COLUMN seq");
          const write = await engine.query(replaceRowsSql("shop_20261121", [row])).catch((e: unknown) => e);
          expect(isTransientEngineError(write)).toBe(true);
          await engine.query(
            "REPLACE INTO shop_20261121 (id, message, fields, msg, ts, lvl, level, logger, host, js) " +
              `VALUES (5, 'old line', '', 'old line', ${NOW}, 0, 'info', 'app', 'h', '{}')`,
          );
          // Over tables of both schemas, an ORDER BY on the missing column fails (with an empty message).
          const select = selectRecordsSql({
            tables: ["shop"],
            match: null,
            filters: [],
            limit: 10,
            highlight: null,
          });
          const read = await engine.query(select).catch((e: unknown) => e);
          expect(String(read)).toMatch(/index shop_2026112/);
          expect(isTransientEngineError(read)).toBe(true);
        } finally {
          await engine.close();
        }
      } finally {
        await old.stop();
      }
      const logged: string[] = [];
      const supervisor = new SearchdSupervisor({ dataDir, log: (l) => logged.push(l) });
      try {
        await supervisor.start(shop, NOW);
        expect(logged.join("\n")).toMatch(/added the seq column to shop_20261121/);
        const engine = createEngine(supervisor.address);
        try {
          await engine.query(replaceRowsSql("shop_20261121", [{ ...row, id: "6", seq: "9" }]));
          await engine.query(replaceRowsSql("shop_20261122", [{ ...row, id: "7", ts: NOW + 86_400_000 }]));
          const scope = { tables: ["shop"], match: null, filters: [] };
          const select = selectRecordsSql({ ...scope, limit: 10, highlight: null });
          const rows = await engine.query<{ id: string; seq: string }>(select);
          expect(rows.map((r) => [r.id, r.seq])).toEqual([
            ["7", "0"],
            ["6", "9"],
            ["5", "0"],
          ]);
          // A cursor minted before seq existed names an old record: paging from it still works.
          const old = decodeCursor(`${NOW}_5`)!;
          const newer = await engine.query<{ id: string }>(
            selectRecordsSql({
              ...scope,
              cursor: { at: old, direction: "newer" },
              limit: 10,
              highlight: null,
            }),
          );
          expect(newer.map((r) => r.id)).toEqual(["6", "7"]);
        } finally {
          await engine.close();
        }
        await supervisor.stop();
        // Upgraded once: the next start finds nothing to do.
        logged.length = 0;
        const again = new SearchdSupervisor({ dataDir, log: (l) => logged.push(l) });
        await again.start(shop, NOW).finally(() => again.stop());
        expect(logged.join("\n")).not.toMatch(/added the seq column/);
      } finally {
        await supervisor.stop();
      }
    }));

  it("cannot start Sphinx 2.2 with the config rendered for Manticore", () =>
    withDataDir(async (dataDir) => {
      const supervisor = new SearchdSupervisor({ dataDir, flavor: "manticore", log: () => undefined });
      try {
        await expect(supervisor.start([{ name: "shop", retentionDays: 1 }], NOW)).rejects.toThrow(
          /searchd exited/,
        );
        expect(await readFile(path.join(dataDir, "searchd.conf"), "utf8")).toContain("stored_fields =");
      } finally {
        await supervisor.stop();
      }
    }));
});
