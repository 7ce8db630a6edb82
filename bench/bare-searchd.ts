/**
 * A searchd of a benchmark's own, on a free port in a temporary directory, with the config the benchmark writes:
 * for measuring tables side by side without the rest of the stack.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createEngine, type Engine } from "@/lib/engine/engine-client";
import { freePort } from "@/lib/engine/searchd-supervisor";

export type BareSearchd = { dir: string; engine: Engine; stop: () => Promise<void> };

export async function startBareSearchd(config: (dir: string, port: number) => string): Promise<BareSearchd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "alco-bench-searchd-"));
  const port = await freePort();
  await writeFile(path.join(dir, "searchd.conf"), config(dir, port));
  const searchd = spawn("searchd", ["--config", path.join(dir, "searchd.conf"), "--nodetach"], {
    stdio: "ignore",
  });
  // A RAM chunk saved to disk stalls writes for seconds on a busy machine.
  const engine = createEngine({ host: "127.0.0.1", port }, { queryTimeoutMs: 300_000 });
  for (let tries = 0; ; tries++) {
    try {
      await engine.query("SHOW TABLES");
      break;
    } catch (err) {
      if (tries > 50) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    dir,
    engine,
    stop: async () => {
      await engine.close();
      // searchd writes its files until it has exited: the directory goes after.
      const exited = new Promise((r) => searchd.once("exit", r));
      searchd.kill();
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
