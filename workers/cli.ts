/**
 * `alco`: the command-line client (usage in lib/cli/cli-args.ts): `query`, `tail`, `hosts` over alco's HTTP API,
 * and `agent`, the file-tailing agent. Exits 0 on success and on Ctrl-C during `tail`, 2 with the usage text for
 * a bad command line, 1 with one line on stderr for anything else. In a checkout it runs from source under tsx
 * (`npm run cli`, bin/alco.mjs); the `@alco/cli` package (packages/cli) ships it bundled, for plain Node.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runAgent, type AgentLaunch } from "@/lib/cli/agent-command";
import { parseCommandLine, USAGE, type CliCommand } from "@/lib/cli/cli-args";
import type { CliContext } from "@/lib/cli/cli-context";
import { DEFAULT_URL, parseCliEnv } from "@/lib/cli/cli-env";
import { CliError, UsageError } from "@/lib/cli/cli-errors";
import { AlcoClient } from "@/lib/cli/http-client";
import { runHosts } from "@/lib/cli/hosts-command";
import { runQuery } from "@/lib/cli/query-command";
import { runTail } from "@/lib/cli/tail-command";

/**
 * The version of `@alco/cli`, set by its bundle (scripts/build-cli.mjs), which runs on plain Node. Undefined when
 * this file runs from source under tsx (`npm run cli`, bin/alco.mjs).
 */
declare const ALCO_CLI_VERSION: string | undefined;

const here = path.dirname(fileURLToPath(import.meta.url));
const stderr = (line: string) => process.stderr.write(`${line}\n`);

function version(): string {
  if (typeof ALCO_CLI_VERSION === "string") return ALCO_CLI_VERSION;
  const pkg = JSON.parse(readFileSync(path.join(here, "../packages/cli/package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function agentLaunch(args: string[]): AgentLaunch {
  // The bundle ships the agent's bundle beside it (dist/agent.mjs), for plain Node.
  if (typeof ALCO_CLI_VERSION === "string")
    return { nodeArgs: [path.join(here, "agent.mjs")], env: process.env, args };
  // From source: tsx's loader as resolved here (`--import tsx` would resolve it in the caller's directory), with
  // the tsconfig that maps `@/`.
  return {
    nodeArgs: ["--import", import.meta.resolve("tsx"), path.join(here, "agent.ts")],
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(here, "..", "tsconfig.json") },
    args,
  };
}

function fail(err: unknown): number {
  if (err instanceof UsageError) {
    stderr(`alco: ${err.message}\n\n${USAGE}`);
    return err.exitCode;
  }
  if (err instanceof CliError) {
    stderr(`alco: ${err.message}`);
    return err.exitCode;
  }
  stderr(`alco: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}

async function run(cmd: Exclude<CliCommand, { name: "help" | "version" | "agent" }>): Promise<number> {
  const env = parseCliEnv(process.env);
  const client = new AlcoClient({
    baseUrl: cmd.url ?? env.url ?? DEFAULT_URL,
    token: cmd.token ?? env.token,
  });
  const controller = new AbortController();
  const stop = () => {
    // A second Ctrl-C while the first is being handled: leave at once.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const ctx: CliContext = {
    client,
    out: (line) => process.stdout.write(`${line}\n`),
    err: stderr,
    color: process.stdout.isTTY === true && !env.noColor,
    signal: controller.signal,
  };
  try {
    if (cmd.name === "query") await runQuery(ctx, cmd);
    else if (cmd.name === "tail") await runTail(ctx, cmd);
    else await runHosts(ctx, cmd);
    return 0;
  } catch (err) {
    // Ctrl-C ends `tail` as it ends `tail -f`; it interrupts anything else.
    if (controller.signal.aborted) return cmd.name === "tail" ? 0 : 130;
    return fail(err);
  }
}

async function main(argv: string[]): Promise<number> {
  let cmd: CliCommand;
  try {
    cmd = parseCommandLine(argv);
  } catch (err) {
    return fail(err);
  }
  if (cmd.name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cmd.name === "version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (cmd.name === "agent") return runAgent(agentLaunch(cmd.args));
  try {
    return await run(cmd);
  } catch (err) {
    return fail(err);
  }
}

// `alco query … | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const code = await main(process.argv.slice(2));
// Exit once stdout has taken everything written: keep-alive sockets must not hold the process open.
process.stdout.write("", () => process.exit(code));
