/**
 * The real stack for benchmarks that talk to it over HTTP: an isolated stack (test/stack.ts) with one logger
 * index, the collector process and the production build served by `npm start` (workers/web.ts), each its own process so their
 * memory can be read from /proc.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { startStack, type StackEnv } from "../test/stack";
import { webArgs, webEnv } from "../test/web-command";
import { collectorCommand } from "./collector-throughput";

const root = path.resolve(import.meta.dirname, "..");

export type ServerStack = {
  env: StackEnv;
  index: { name: string; queueName: string };
  base: string;
  collector: ChildProcess;
  web: ChildProcess;
  helpers: typeof import("../test/helpers");
  stop: () => Promise<void>;
};

export async function startServerStack(
  indexName: string,
  opts: { retentionDays?: number; collectorEnv?: Record<string, string> } = {},
): Promise<ServerStack> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error("run `npx next build` first");
  const { env, stop: stopStack } = await startStack("bench");
  // The test helpers read the stack's addresses from the environment.
  Object.assign(process.env, env);
  const helpers = await import("../test/helpers");
  const index = await helpers.createTestIndex({ name: indexName, retentionDays: opts.retentionDays ?? 2 });
  const childEnv = { ...process.env, ...env, METRICS_PORT: "0", NEXT_TELEMETRY_DISABLED: "1" };
  const port = await freePort();
  const collector = spawn(process.execPath, collectorCommand(), {
    cwd: root,
    env: { ...childEnv, ...opts.collectorEnv },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const web = spawn(process.execPath, webArgs(), {
    cwd: root,
    env: { ...childEnv, ...webEnv(port) },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  await helpers.waitFor(
    "web up",
    () =>
      fetch(`${base}/login`).then(
        (r) => r.ok,
        () => false,
      ),
    60_000,
  );
  return {
    env,
    index,
    base,
    collector,
    web,
    helpers,
    stop: async () => {
      for (const c of [collector, web]) c.kill("SIGTERM");
      await new Promise((r) => setTimeout(r, 1000));
      await helpers.dropTestIndex(index);
      await stopStack();
    },
  };
}

/** Resident set of a process and its descendants (next start serves from a child on some versions), bytes. */
export async function treeRss(pid: number): Promise<number> {
  const { readFile, readdir } = await import("node:fs/promises");
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    const status = await readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}
