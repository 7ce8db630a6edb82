/**
 * The agent's command line and environment, parsed once with zod. Flags override the environment (`AMQP_URL`,
 * `AMQP_EXCHANGE`, from lib/base-env.ts as the other processes use; `AMQP_EXCHANGE_DURABLE` has no flag): prefer
 * `AMQP_URL` for credentials, since a command line is visible in `ps`.
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { baseEnvSchema, parseEnv, type EnvSource } from "@/lib/base-env";
import { indexNameSchema } from "@/lib/indexes/schema";
import { LINE_FORMATS } from "./line-parsers";

export const AGENT_USAGE = `usage: alco agent [options] <file or glob>...   (in a checkout: npm run agent -- …)

Tails log files and publishes each line (multi-line records joined) to RabbitMQ with publisher confirms,
routing key <prefix>.<index>.<logger>. Quote globs so the agent, not the shell, expands them: new files
matching them are picked up while running.

  --url URL            AMQP URL (default: $AMQP_URL, else amqp://guest:guest@127.0.0.1:5672)
  --exchange NAME      topic exchange (default: $AMQP_EXCHANGE, else logstash); used as it is if it
                       exists, else declared durable unless AMQP_EXCHANGE_DURABLE=false
  --prefix WORD        first routing key word (default: agent)
  --index NAME         logger index the records go to (default: the --logger value)
  --logger NAME        the records' logger field (required)
  --tag TAG            added to every record's tags; repeatable
  --host NAME          the records' host field (default: this machine's hostname)
  --state FILE         where confirmed offsets are kept (required)
  --from-start         on the first start (no state file), read existing files from the start, not the end
  --format FORMAT      auto (default), json, clf, w3c, syslog or plain
  --help               this text`;

const routingWords = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/, "dot-separated words of letters, digits, _ or -");

const agentEnvSchema = baseEnvSchema.pick({
  NODE_ENV: true,
  AMQP_URL: true,
  AMQP_EXCHANGE: true,
  AMQP_EXCHANGE_DURABLE: true,
});

export const agentCliSchema = z.object({
  url: z.string().min(1),
  exchange: z.string().min(1),
  exchangeDurable: z.boolean(),
  prefix: routingWords,
  index: indexNameSchema,
  logger: routingWords.max(200),
  tags: z.array(z.string().min(1).max(200)),
  host: z.string().min(1).max(256),
  statePath: z.string().min(1),
  fromStart: z.boolean(),
  format: z.enum(LINE_FORMATS),
  patterns: z.array(z.string().min(1)).min(1, "name at least one file or glob"),
});
export type AgentCliOptions = z.infer<typeof agentCliSchema>;

export type ParsedCommandLine = { help: true } | { help: false; options: AgentCliOptions };

/** Throws an Error whose message names every problem. */
export function parseAgentCommandLine(argv: string[], source: EnvSource): ParsedCommandLine {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      exchange: { type: "string" },
      prefix: { type: "string" },
      index: { type: "string" },
      logger: { type: "string" },
      tag: { type: "string", multiple: true },
      host: { type: "string" },
      state: { type: "string" },
      "from-start": { type: "boolean" },
      format: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return { help: true };
  if (!values.logger) throw new Error("--logger is required");
  if (!values.state) throw new Error("--state is required");
  // A flag stands in for its variable, so that with --url a production agent needs no AMQP_URL.
  const env = parseEnv("agent", agentEnvSchema, {
    ...source,
    ...(values.url !== undefined && { AMQP_URL: values.url }),
    ...(values.exchange !== undefined && { AMQP_EXCHANGE: values.exchange }),
  });
  const r = agentCliSchema.safeParse({
    url: env.AMQP_URL,
    exchange: env.AMQP_EXCHANGE,
    exchangeDurable: env.AMQP_EXCHANGE_DURABLE,
    prefix: values.prefix ?? "agent",
    index: values.index ?? values.logger,
    logger: values.logger,
    tags: values.tag ?? [],
    host: values.host ?? os.hostname(),
    statePath: values.state,
    fromStart: values["from-start"] ?? false,
    format: values.format ?? "auto",
    patterns: positionals,
  });
  if (!r.success) {
    const name = (i: z.core.$ZodIssue) =>
      i.path[0] === "index" && !values.index
        ? "--index (defaults to --logger)"
        : i.path.join(".") || "arguments";
    throw new Error(r.error.issues.map((i) => `${name(i)}: ${i.message}`).join("; "));
  }
  return { help: false, options: r.data };
}
