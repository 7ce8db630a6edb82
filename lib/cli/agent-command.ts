/**
 * `alco agent …`: runs the file-tailing agent (workers/agent.ts, or its bundle) as a child process with the same stdio, passes
 * on its exit code, and relays SIGINT, SIGTERM and SIGHUP to it once each time they arrive. The child gets a
 * process group of its own, so a Ctrl-C in the terminal reaches it once, through here, not twice (directly and
 * relayed): its second signal means "exit now, without waiting for confirms".
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

const RELAYED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export type AgentLaunch = {
  /**
   * Node's arguments that start the agent, before the agent's own: the bundled agent beside the bundled CLI, or
   * workers/agent.ts under tsx's loader when alco runs from source.
   */
  nodeArgs: string[];
  /** The child's environment. */
  env: NodeJS.ProcessEnv;
  args: string[];
};

/** Resolves with the exit code to leave with: the agent's, or 128 + the signal that ended it. */
export function runAgent(launch: AgentLaunch): Promise<number> {
  const child = spawn(process.execPath, [...launch.nodeArgs, ...launch.args], {
    stdio: "inherit",
    env: launch.env,
    detached: true,
  });
  const relay = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  for (const sig of RELAYED) process.on(sig, relay);
  return new Promise((resolve) => {
    const done = (code: number) => {
      for (const sig of RELAYED) process.off(sig, relay);
      resolve(code);
    };
    child.once("error", (err) => {
      process.stderr.write(`alco: cannot start the agent: ${err.message}\n`);
      done(1);
    });
    child.once("exit", (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
