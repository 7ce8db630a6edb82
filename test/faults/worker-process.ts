/**
 * One of alco's TypeScript entry points (`workers/…`) in a process of its own, as `npm run` starts it, with its
 * output kept line by line for the fault tests that read what it logged.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

const root = path.resolve(import.meta.dirname, "../..");

/** Appends each line `stream` writes to `lines`, stamped with when it arrived. */
export function collectLines(stream: Readable, lines: { at: number; text: string }[]): void {
  createInterface({ input: stream }).on("line", (text) => {
    if (text.trim()) lines.push({ at: Date.now(), text });
  });
}

export type Logged = {
  /** Everything the process wrote, line by line, with when it arrived. */
  lines: { at: number; text: string }[];
  /** SIGTERM (a graceful stop), then SIGKILL if it has not exited in 15 s. */
  stop: () => Promise<void>;
};

/** Starts one of alco's TypeScript entry points (`workers/…`) as its own process, as `npm run` would. */
export function startWorker(entry: string, args: string[], env: Record<string, string>): Logged {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Logged["lines"] = [];
  collectLines(child.stdout, lines);
  collectLines(child.stderr, lines);
  const exited = once(child, "exit");
  return {
    lines,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}
