/**
 * Retention: the engine keeps one table per day of the window plus tomorrow; when a day leaves the window its
 * table is dropped from searchd (SIGHUP, no restart) and its files are deleted. Records older than the window are
 * dead-lettered by the collector (tested in pipeline.int.test.ts).
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine } from "@/lib/engine/engine-client";
import { DAY_MS } from "@/lib/engine/retention";
import { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { replaceRowsSql } from "@/lib/engine/sphinxql-dialect";

describe("retention job", () => {
  it("drops the daily table that left the window, and its files, without restarting searchd", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-retention-"));
    const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
    const day0 = Date.UTC(2026, 10, 20, 12);
    try {
      await supervisor.start([{ name: "shop", retentionDays: 2 }], day0);
      expect(supervisor.tables).toEqual(["shop_20261119", "shop_20261120", "shop_20261121"]);
      const engine = createEngine(supervisor.address);
      try {
        const row = {
          id: "1",
          ts: day0 - DAY_MS,
          seq: "0",
          message: "old",
          fieldsText: "",
          lvl: 30,
          level: "info",
          logger: "",
          host: "",
          json: "{}",
        };
        await engine.query(replaceRowsSql("shop_20261119", [row]));
        await engine.query("FLUSH RTINDEX shop_20261119");
        expect((await readdir(dataDir)).some((f) => f.startsWith("shop_20261119."))).toBe(true);
        const pid = supervisor.pid;

        expect(await supervisor.apply([{ name: "shop", retentionDays: 2 }], day0 + DAY_MS)).toBe(true);

        const served = await engine.tables();
        expect(served.has("shop_20261119")).toBe(false);
        expect(served.has("shop_20261122")).toBe(true);
        expect((await readdir(dataDir)).some((f) => f.startsWith("shop_20261119."))).toBe(false);
        expect(supervisor.pid).toBe(pid);
        const agents = await engine.query<{ Agent: string }>("DESCRIBE shop");
        expect(agents.map((a) => a.Agent)).toEqual(["shop_20261120", "shop_20261121", "shop_20261122"]);
      } finally {
        await engine.close();
      }
    } finally {
      await supervisor.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("restarts searchd when it is killed, and serves the same tables again", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "alco-restart-"));
    const supervisor = new SearchdSupervisor({ dataDir, log: () => undefined });
    try {
      await supervisor.start([{ name: "shop", retentionDays: 1 }]);
      const engine = createEngine(supervisor.address);
      try {
        const first = supervisor.pid!;
        process.kill(first, "SIGKILL");
        const deadline = Date.now() + 20_000;
        let served = new Set<string>();
        while (Date.now() < deadline) {
          served = await engine.tables().catch(() => new Set<string>());
          if (served.has("shop") && supervisor.pid !== first) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(supervisor.pid).not.toBe(first);
        expect(served.has("shop")).toBe(true);
      } finally {
        await engine.close();
      }
    } finally {
      await supervisor.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
