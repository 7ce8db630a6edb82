/**
 * The collector process: RabbitMQ -> engine + Redis. Two-stage shutdown: the first SIGTERM/SIGINT stops
 * consuming, writes and acks what was received, and exits; a second one, or GRACE_MS without the stop done (the
 * engine down, retrying), exits at once (unacked messages are redelivered, and ids make that harmless).
 */
import { envOrExit } from "@/lib/base-env";
import { Collector } from "@/lib/collector/collector";
import { parseCollectorEnv } from "@/lib/collector/env";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";

const GRACE_MS = 30_000;

const env = envOrExit(() => parseCollectorEnv(process.env));
const collector = new Collector(env);

onTwoStageShutdown({
  name: "collector",
  graceMs: GRACE_MS,
  stop: () => collector.stop(),
  abandon: () => {
    collector.abandon();
    return "unacked messages are redelivered to the next collector";
  },
});

collector.start().catch((err: unknown) => {
  console.error(`[collector] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
