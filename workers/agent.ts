/**
 * `npm run agent -- --logger nginx --state /var/lib/alco/agent.json '/var/log/nginx/*.log'`: tails files and
 * publishes their lines to RabbitMQ (lib/agent/agent.ts). Two-stage shutdown: the first SIGTERM, SIGINT or SIGHUP
 * stops reading, waits until the broker has confirmed everything sent and saves the offsets; a second one, or
 * GRACE_MS without the broker confirming, exits at once (what was not confirmed is read and sent again on the next
 * start, under the same message ids).
 */
import { Agent } from "@/lib/agent/agent";
import { AGENT_USAGE, parseAgentCommandLine, type AgentCliOptions } from "@/lib/agent/agent-options";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";

const REPORT_INTERVAL_MS = 60_000;
const GRACE_MS = 30_000;
const log = (line: string) => console.log(`[agent] ${line}`);

let options: AgentCliOptions;
try {
  const parsed = parseAgentCommandLine(process.argv.slice(2), process.env);
  if (parsed.help) {
    console.log(AGENT_USAGE);
    process.exit(0);
  }
  options = parsed.options;
} catch (err) {
  console.error(`[agent] ${(err as Error).message}\n\n${AGENT_USAGE}`);
  process.exit(2);
}

const agent = new Agent({ ...options, log });

let confirmedAtLastReport = 0;
const report = setInterval(() => {
  const s = agent.stats();
  log(
    `${s.confirmed - confirmedAtLastReport} records confirmed in the last ${REPORT_INTERVAL_MS / 1000} s; ` +
      `${s.inFlight} awaiting confirm; ${s.files.length} files open${s.connected ? "" : "; not connected"}`,
  );
  confirmedAtLastReport = s.confirmed;
}, REPORT_INTERVAL_MS);

onTwoStageShutdown({
  name: "agent",
  graceMs: GRACE_MS,
  stop: () => {
    clearInterval(report);
    return agent.stop();
  },
  abandon: () => {
    agent.abandon();
    return `${agent.stats().inFlight} records unconfirmed; they are sent again next start`;
  },
});

agent.start().catch((err: unknown) => {
  console.error(`[agent] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
