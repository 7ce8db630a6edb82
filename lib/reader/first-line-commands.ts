/**
 * What an index without a single line shows: the exact commands that send it its first one, one for each way in
 * (HTTP NDJSON ingest, the winston transport, the tailing agent), for this index's bindings and this server's
 * address. Secrets stay out: the ingest token is read from the shell's environment and the broker's address is
 * a placeholder, since the page must not show the server's own credentials.
 */

/** The shell variable the curl reads the ingest token from, as docs/API.md names it. */
export const INGEST_TOKEN_VAR = "ALCO_INGEST_TOKEN";
export const FIRST_LINE_MESSAGE = "my first line";
export const AMQP_URL_PLACEHOLDER = "amqp://user:password@rabbitmq-host:5672";
/** The defaults of the transport (`@alco/amqp-publisher`) and of the agent (lib/agent/agent-options.ts). */
const DEFAULT_EXCHANGE = "logstash";
const WINSTON_PREFIX = "logstash";
const AGENT_PREFIX = "agent";
const AGENT_LOGGER = "app";
/** The word a wildcard stands for in a key made to match a binding. */
const FILL_WORD = "app";

export type FirstLineTarget = {
  /** Where the browser reaches alco: `http://localhost:3000`. */
  origin: string;
  index: string;
  /** The index's AMQP binding patterns (`*.<index>.#` unless an admin changed them). */
  routingKeys: string[];
  /** The topic exchange the collector's queues are bound to. */
  exchange: string;
};

export type FirstLineCommands = {
  curl: string;
  /** null when none of the index's bindings takes a key the transport sends (`<prefix>.<logger>`). */
  winston: string | null;
  /** null when none takes a key the agent sends (`<prefix>.<index>.<logger>`). */
  agent: string | null;
};

/** Whether an AMQP topic binding takes a routing key: `*` is one word, `#` zero or more. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split(".");
  const k = key.split(".");
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === "#") return match(i + 1, j) || (j < k.length && match(i, j + 1));
    return j < k.length && (p[i] === "*" || p[i] === k[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

/** Keys a binding takes, shortest first: `*` as one word, `#` as none, then as one word. */
function keysTakenBy(pattern: string): string[][] {
  const words = (hash: string[]) =>
    pattern.split(".").flatMap((w) => (w === "#" ? hash : [w === "*" ? FILL_WORD : w]));
  return [words([]), words([FILL_WORD])];
}

/** A word or path as one shell argument: bare when it is safe bare, else single-quoted. */
export function shellArg(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function winstonOptions(t: FirstLineTarget): Record<string, string> | null {
  const takes = (key: string) => t.routingKeys.some((p) => topicMatches(p, key));
  let prefix: string | undefined;
  let logger = t.index;
  if (!takes(`${WINSTON_PREFIX}.${t.index}`)) {
    const key = t.routingKeys.flatMap(keysTakenBy).find((words) => words.length >= 2);
    if (!key) return null;
    prefix = key.slice(0, -1).join(".");
    logger = key.at(-1)!;
  }
  return {
    url: AMQP_URL_PLACEHOLDER,
    ...(t.exchange === DEFAULT_EXCHANGE ? {} : { exchange: t.exchange }),
    ...(prefix === undefined ? {} : { prefix }),
    logger,
  };
}

function agentRouting(t: FirstLineTarget): { prefix: string; logger: string } | null {
  if (t.routingKeys.some((p) => topicMatches(p, `${AGENT_PREFIX}.${t.index}.${AGENT_LOGGER}`)))
    return { prefix: AGENT_PREFIX, logger: AGENT_LOGGER };
  for (const words of t.routingKeys.flatMap(keysTakenBy)) {
    const at = words.indexOf(t.index, 1);
    if (at > 0 && at < words.length - 1)
      return { prefix: words.slice(0, at).join("."), logger: words.slice(at + 1).join(".") };
  }
  return null;
}

export function firstLineCommands(t: FirstLineTarget): FirstLineCommands {
  const body = JSON.stringify({ message: FIRST_LINE_MESSAGE });
  const curl =
    `curl -X POST -H "Authorization: Bearer $${INGEST_TOKEN_VAR}" --data-binary ${shellArg(body)} ` +
    shellArg(`${t.origin}/api/ingest/${t.index}`);

  const options = winstonOptions(t);
  const winston =
    options &&
    [
      `import winston from "winston";`,
      `import { AlcoTransport } from "@alco/winston-transport";`,
      ``,
      `const transport = new AlcoTransport({ ${Object.entries(options)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(", ")} });`,
      `const logger = winston.createLogger({ transports: [transport] });`,
      `logger.info(${JSON.stringify(FIRST_LINE_MESSAGE)});`,
    ].join("\n");

  const routing = agentRouting(t);
  const agent =
    routing &&
    [
      `AMQP_URL=${AMQP_URL_PLACEHOLDER} alco agent`,
      ...(t.exchange === DEFAULT_EXCHANGE ? [] : [`--exchange ${shellArg(t.exchange)}`]),
      ...(routing.prefix === AGENT_PREFIX ? [] : [`--prefix ${shellArg(routing.prefix)}`]),
      `--index ${t.index} --logger ${shellArg(routing.logger)}`,
      `--state ${shellArg(`/var/lib/alco/agent-${t.index}.json`)} '/var/log/app/*.log'`,
    ].join(" ");

  return { curl, winston, agent };
}
