/**
 * The `alco` CLI as a child process, the way a person runs it: `node --import tsx workers/cli.ts …` with local
 * times in UTC and no colors or server settings inherited from the test's own environment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export type CliRun = { code: number | null; stdout: string; stderr: string };

export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = root,
): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/cli.ts"), ...args], {
    cwd,
    env: {
      ...process.env,
      TZ: "UTC",
      NO_COLOR: undefined,
      ALCO_URL: undefined,
      ALCO_TOKEN: undefined,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** What the child has printed so far (`output`), and all of it with its exit code once it closes (`done`). */
export function collectCli(child: ChildProcess): { output: CliRun; done: Promise<CliRun> } {
  const output: CliRun = { code: null, stdout: "", stderr: "" };
  child.stdout!.on("data", (b: Buffer) => (output.stdout += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (output.stderr += b.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.once("close", (code) => {
      output.code = code;
      resolve(output);
    }),
  );
  return { output, done };
}

/** Runs a command to its end; a run still going after a minute is killed. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = root,
): Promise<CliRun> {
  const child = startCli(args, env, cwd);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return collectCli(child).done.finally(() => clearTimeout(timer));
}
