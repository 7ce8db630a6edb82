/**
 * Signals for a worker process, the same for every worker: the first SIGTERM/SIGINT (and SIGHUP, which
 * `alco agent` relays when the terminal goes away) runs the worker's graceful stop and exits when it is done; a
 * second one, or a stop still running when the grace time is over, gives up and exits 1 at once. An orchestrator
 * that sends SIGTERM and waits before SIGKILL gets the graceful stop; an operator pressing Ctrl-C twice, or a
 * stop stuck on a service that is down, is not kept waiting.
 */

const DEFAULT_SIGNALS: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

export type TwoStageShutdownOptions = {
  /** Prefixes the log lines: `[name] SIGTERM: …`. */
  name: string;
  /** Stops consuming or reading, finishes in-flight work, closes connections. */
  stop: () => Promise<void>;
  /** Runs before a forced exit; returns what is being given up, for the log line. */
  abandon: () => string;
  /** How long the graceful stop may run before it is forced; below the orchestrator's wait before its SIGKILL. */
  graceMs: number;
  /** What the graceful stop does, for the log line of the first signal. */
  stopping?: string;
  signals?: NodeJS.Signals[];
};

/**
 * Starts the graceful stop as a first signal does (for a worker that decides to stop on its own) and exits with
 * `exitCode` once it is done. Every call returns the promise of the first.
 */
export type Shutdown = (exitCode?: number) => Promise<void>;

export function onTwoStageShutdown(opts: TwoStageShutdownOptions): Shutdown {
  let stopping: Promise<void> | null = null;
  const force = (why: string) => {
    console.error(`[${opts.name}] ${why}: exiting now (${opts.abandon()})`);
    process.exit(1);
  };
  const shutdown: Shutdown = (exitCode = 0) => {
    if (stopping) return stopping;
    const grace = setTimeout(() => force(`still stopping after ${opts.graceMs / 1000} s`), opts.graceMs);
    stopping = Promise.resolve()
      .then(opts.stop)
      .then(
        () => {
          clearTimeout(grace);
          process.exit(exitCode);
        },
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    return stopping;
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) return force(`${sig} again`);
    console.log(
      `[${opts.name}] ${sig}: ${opts.stopping ?? "finishing in-flight work"} (send again to force)`,
    );
    void shutdown();
  };
  for (const s of opts.signals ?? DEFAULT_SIGNALS) process.on(s, onSignal);
  return shutdown;
}
