/**
 * The collector as production runs it (workers/collector.ts in its own process) for fault tests: a crash shows as
 * an exit rather than taking the test runner down, its /metrics is scraped over HTTP, and its peak memory is read
 * from the kernel (VmHWM) rather than guessed from inside.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";

const root = path.resolve(import.meta.dirname, "../..");

export type CollectorProcess = {
  child: ChildProcess;
  /** The last lines it printed, for failure messages. */
  tail: string[];
  /** Every line it printed since it started. */
  lines: string[];
  metrics: () => Promise<string>;
  /** The sum of one counter over the series whose labels include all of `labels`. */
  counter: (name: string, labels: Record<string, string>) => Promise<number>;
  /** Peak resident memory so far, in bytes. */
  peakRss: () => Promise<number>;
  stop: () => Promise<void>;
};

export async function startCollectorProcess(env: Record<string, string> = {}): Promise<CollectorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/collector.ts")], {
    cwd: root,
    env: { ...process.env, METRICS_PORT: String(port), INDEX_REFRESH_MS: "300", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    for (const l of b.toString().split("\n").filter(Boolean)) {
      lines.push(l);
      tail.push(l);
    }
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  const metrics = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return res.text();
  };
  const proc: CollectorProcess = {
    child,
    tail,
    lines,
    metrics,
    counter: async (name, labels) => {
      let sum = 0;
      for (const line of (await metrics()).split("\n")) {
        const m = /^(\w+)\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
        if (!m || m[1] !== name) continue;
        const wanted = Object.entries(labels).every(([k, v]) => m[2]!.includes(`${k}="${v}"`));
        if (wanted) sum += Number(m[3]);
      }
      return sum;
    },
    peakRss: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  // Ready once its metrics answer: it has connected and declared the index queues it found.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited at start:\n${tail.join("\n")}`);
    if (
      await metrics().then(
        () => true,
        () => false,
      )
    )
      return proc;
    if (Date.now() > deadline) throw new Error(`collector did not start:\n${tail.join("\n")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
