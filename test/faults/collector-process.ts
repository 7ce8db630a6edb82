/**
 * The collector in a process of its own, started as production starts it (test/collector-command.ts: the bundled
 * worker with its heap flags), for the fault tests: a crash shows as an exit rather than taking the test runner
 * down, its counters are read from /metrics on a known port, and its peak memory from the kernel (VmHWM).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { collectorArgs } from "../collector-command";

const root = path.resolve(import.meta.dirname, "../..");
const KEPT_LINES = 40;

export type CollectorProcess = {
  child: ChildProcess;
  metricsPort: number;
  /** The collector's last lines of output, for failure messages. */
  output: () => string;
  alive: () => boolean;
  /** The sum of one counter over the series whose labels include all of `labels`. */
  counter: (name: string, labels: Record<string, string>) => Promise<number>;
  /** Peak resident memory so far, in bytes. */
  peakRss: () => Promise<number>;
  kill9: () => Promise<void>;
  /** SIGTERM: the collector stores and acks what it holds, then exits; its exit code. */
  terminate: () => Promise<number | null>;
};

/** Starts it on the isolated stack's environment, overridden by `env`; see waitUntilServing. */
export async function startCollector(env: Record<string, string> = {}): Promise<CollectorProcess> {
  // The metrics server is off at port 0, and the fault tests read its counters.
  const metricsPort = await freePort();
  const child = spawn(process.execPath, collectorArgs(), {
    cwd: root,
    env: { ...process.env, INDEX_REFRESH_MS: "300", ...env, METRICS_PORT: String(metricsPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    tail.push(...b.toString().split("\n").filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - KEPT_LINES));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    metricsPort,
    output: () => tail.join("\n"),
    alive,
    counter: async (name, labels) => {
      let sum = 0;
      for (const line of (await scrape(metricsPort)).split("\n")) {
        const m = /^(\w+)\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
        if (!m || m[1] !== name) continue;
        if (Object.entries(labels).every(([k, v]) => m[2]!.includes(`${k}="${v}"`))) sum += Number(m[3]);
      }
      return sum;
    },
    peakRss: async () => {
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    kill9: async () => {
      if (alive()) child.kill("SIGKILL");
      await exited;
    },
    terminate: async () => {
      if (alive()) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) });
  return res.text();
}

export type Counters = { received: number; indexed: number; retries: number; deadLettered: number };

/** The collector's counters for one index, from its Prometheus endpoint. */
export async function collectorCounters(c: CollectorProcess, index: string): Promise<Counters> {
  const read = (name: string) => c.counter(`alco_collector_${name}_total`, { index });
  const [received, indexed, retries, deadLettered] = await Promise.all(
    ["received", "indexed", "retries", "dead_lettered"].map(read),
  );
  return { received: received!, indexed: indexed!, retries: retries!, deadLettered: deadLettered! };
}

/** Waits until the collector's metrics endpoint answers, i.e. it has connected and started its consumers. */
export async function waitUntilServing(c: CollectorProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!c.alive()) throw new Error(`collector exited while starting:\n${c.output()}`);
    const ok = await fetch(`http://127.0.0.1:${c.metricsPort}/healthz`, {
      signal: AbortSignal.timeout(1_000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`collector not serving after ${timeoutMs} ms:\n${c.output()}`);
}
