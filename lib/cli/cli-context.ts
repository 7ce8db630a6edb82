/** What every command gets: the API client, where to write, whether to color, and Ctrl-C as a signal. */
import type { AlcoClient } from "./http-client";

export type CliContext = {
  client: AlcoClient;
  /** One line to stdout (the newline is added). */
  out: (line: string) => void;
  /** One line to stderr. */
  err: (line: string) => void;
  color: boolean;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
};
