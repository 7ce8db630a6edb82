/**
 * Signals for a worker process: the first SIGTERM/SIGINT (and SIGHUP, which `alco agent` relays when the
 * terminal goes away) runs a graceful stop and exits 0 when it is done; a second one gives up at once.
 */
export function onTwoStageShutdown(opts: {
  name: string;
  /** Stops consuming or reading, finishes in-flight work, closes connections. */
  stop: () => Promise<void>;
  /** Runs before a forced exit; returns what is being given up, for the log line. */
  abandon: () => string;
  signals?: NodeJS.Signals[];
}): void {
  let received = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    received++;
    if (received > 1) {
      console.error(`[${opts.name}] ${sig} again: exiting now (${opts.abandon()})`);
      process.exit(1);
    }
    console.log(`[${opts.name}] ${sig}: finishing in-flight work (send again to force)`);
    opts.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  for (const s of opts.signals ?? ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(s, onSignal);
}
