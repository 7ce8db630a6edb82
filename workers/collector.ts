/**
 * The collector process: RabbitMQ -> engine + Redis. Two-stage shutdown: the first SIGTERM/SIGINT stops
 * consuming, writes and acks what was received, and exits; a second one exits at once (unacked messages are
 * redelivered, and ids make that harmless).
 */
import { Collector } from "@/lib/collector/collector";
import { parseCollectorEnv } from "@/lib/collector/env";

const env = parseCollectorEnv(process.env);
const collector = new Collector(env);

let signals = 0;
const onSignal = (sig: NodeJS.Signals) => {
  signals++;
  if (signals > 1) {
    console.error(`[collector] ${sig} again: exiting without waiting`);
    collector.abandon();
    process.exit(1);
  }
  console.log(`[collector] ${sig}: finishing in-flight batches (send again to force)`);
  collector.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

collector.start().catch((err: unknown) => {
  console.error(`[collector] failed to start: ${(err as Error).message}`);
  process.exit(1);
});
