/** The `alco` command line: commands, their options, and the usage text. */
import { parseArgs } from "node:util";
import { parseTimeParam } from "@/lib/query/time-range";
import { UsageError } from "./cli-errors";

export const USAGE = `Usage: alco <command> [options]

Commands:
  query <logger> [expr]   matching lines of a logger index, oldest first (expr: the grep query syntax)
      --since <time>        from: 15m, 2h, 7d (that long ago), an ISO 8601 time, or epoch ms
      --until <time>        to (default now)
      --limit <n>           how many of the newest matches (default 100)
  tail <logger> [expr]    the last lines, then new ones as they arrive, until Ctrl-C
      -n, --lines <n>       lines printed before following (default 10)
  hosts [host]            the hosts seen; with a host, its files (sources)
      --files               the host's files with line counts and when each was last seen
      --since, --until      the window files are counted over (default the last 24 h)
  agent [options] <file>… run the file-tailing agent here (alco agent --help)

An expr that starts with - goes after --: alco query demo -- -healthcheck

Options:
  --url <url>             alco's address (env ALCO_URL, default http://localhost:3000)
  --token <token>         an API token with the read scope (env ALCO_TOKEN, better: a command line shows in ps)
  --json                  NDJSON: the API's records or entries, one per line
  -h, --help              this text
  -V, --version           alco's version`;

type Common = { url?: string; token?: string };

export type CliCommand = Common &
  (
    | { name: "help" }
    | { name: "version" }
    | {
        name: "query";
        logger: string;
        expr: string;
        from?: number;
        to?: number;
        limit: number;
        json: boolean;
      }
    | { name: "tail"; logger: string; expr: string; lines: number; json: boolean }
    | { name: "hosts"; host?: string; files: boolean; from?: number; to?: number; json: boolean }
    | { name: "agent"; args: string[] }
  );

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
  since: { type: "string" },
  until: { type: "string" },
  limit: { type: "string" },
  lines: { type: "string", short: "n" },
  files: { type: "boolean" },
} as const;

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<"query" | "tail" | "hosts", OptionName[]> = {
  query: ["since", "until", "limit", "json"],
  tail: ["lines", "json"],
  hosts: ["files", "since", "until", "json"],
};
const GLOBAL: OptionName[] = ["url", "token", "help", "version"];

function wholeNumber(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min)
    throw new UsageError(
      `--${name}: a whole number${min > 0 ? ` of at least ${min}` : ""}, got ${JSON.stringify(raw)}`,
    );
  return Number(raw);
}

function time(name: string, raw: string | undefined, nowMs: number): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseTimeParam(raw, nowMs);
  if (ms === null)
    throw new UsageError(
      `--${name}: expected 15m, 2h, 7d, an ISO 8601 time or epoch ms, got ${JSON.stringify(raw)}`,
    );
  return ms;
}

export function parseCommandLine(argv: string[], nowMs = Date.now()): CliCommand {
  // Everything after `agent` belongs to the agent, whose options are its own (`--url` is the broker there).
  if (argv[0] === "agent") return { name: "agent", args: argv.slice(1) };

  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split("\n")[0]!.replace(/\. To specify a positional.*$/, ""));
  }
  const { values: v, positionals } = parsed;
  const common: Common = { url: v.url, token: v.token };
  const [name, ...rest] = positionals;
  if (v.help || name === "help") return { ...common, name: "help" };
  if (v.version) return { ...common, name: "version" };
  if (name === undefined) throw new UsageError("no command given");
  if (name !== "query" && name !== "tail" && name !== "hosts")
    throw new UsageError(`unknown command ${JSON.stringify(name)}`);

  for (const key of Object.keys(v) as OptionName[])
    if (!GLOBAL.includes(key) && !ALLOWED[name].includes(key))
      throw new UsageError(`${name} does not take --${key}`);
  const json = v.json ?? false;

  if (name === "hosts") {
    if (rest.length > 1) throw new UsageError("hosts takes at most one host");
    if (v.files && rest.length === 0) throw new UsageError("--files needs a host: alco hosts <host> --files");
    return {
      ...common,
      name,
      host: rest[0],
      files: v.files ?? false,
      from: time("since", v.since, nowMs),
      to: time("until", v.until, nowMs),
      json,
    };
  }

  const [logger, ...exprParts] = rest;
  if (!logger) throw new UsageError(`${name} needs a logger index: alco ${name} <logger> [expr]`);
  // Several words after the logger are one query, as grep's would be: `alco query demo status=500 -healthz`.
  const expr = exprParts.join(" ");
  if (name === "tail")
    return { ...common, name, logger, expr, lines: wholeNumber("lines", v.lines, 10, 0), json };
  return {
    ...common,
    name,
    logger,
    expr,
    from: time("since", v.since, nowMs),
    to: time("until", v.until, nowMs),
    limit: wholeNumber("limit", v.limit, 100, 1),
    json,
  };
}
