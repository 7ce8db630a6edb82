/**
 * The syslog listener process: RFC 5424 and RFC 3164 messages over TCP (newline or octet-counted framing, TLS
 * when given a certificate) and UDP, into the index SYSLOG_INDEX or SYSLOG_APP_INDEXES names (lib/syslog/). Off
 * under NODE_ENV=production until SYSLOG_PORT is set; at 5514 otherwise. Two-stage shutdown: the first signal
 * stops listening and publishes what was read; a second one, or the grace time, exits at once.
 */
import { envOrExit } from "@/lib/base-env";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";
import { parseSyslogEnv } from "@/lib/syslog/env";
import { SyslogListener } from "@/lib/syslog/syslog-listener";

const GRACE_MS = 15_000;

const env = envOrExit(() => parseSyslogEnv(process.env));
if (env.SYSLOG_PORT === undefined) {
  console.log("[syslog] off: set SYSLOG_PORT (and SYSLOG_HOST, a private address) to listen for syslog");
  process.exit(0);
}
const listener = new SyslogListener(env);

onTwoStageShutdown({
  name: "syslog",
  graceMs: GRACE_MS,
  stop: () => listener.stop(),
  abandon: () => `${listener.pending} batches read and not yet confirmed are lost`,
});

listener
  .start()
  .then(({ tcpPort, udpPort }) => {
    const tcp = env.SYSLOG_TLS_CERT ? "TLS" : "TCP";
    const on = [tcpPort !== undefined && `${tcp} ${tcpPort}`, udpPort !== undefined && `UDP ${udpPort}`];
    console.log(
      `[syslog] listening on ${env.SYSLOG_HOST} (${on.filter(Boolean).join(", ")}), into ${env.SYSLOG_INDEX}`,
    );
  })
  .catch((err: unknown) => {
    console.error(`[syslog] failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
