/**
 * Publishes demo traffic (lib/demo/generate-records.ts) to RabbitMQ, each record at its own time, so a fresh
 * install has live logs to read: about DEMO_RATE records a second to routing keys `<DEMO_PREFIX>.<DEMO_INDEX>.<logger>`.
 *
 * Publisher confirms, waited for every CONFIRM_EVERY messages or CONFIRM_INTERVAL_MS, whichever comes first:
 * waiting after each message would cap the rate at one round trip per record, and waiting more rarely would let
 * more records pile up unconfirmed. A record stays in memory until the broker confirms it; one that is nacked or
 * lost with the connection is published again after reconnecting (record ids derive from the message id, so a
 * duplicate is harmless). Reconnects back off exponentially up to 30 s; the records that fell due meanwhile go out
 * at once with their original times. Two-stage shutdown: the first SIGINT/SIGTERM stops publishing, waits for
 * outstanding confirms and closes; a second one, or GRACE_MS without the confirms, exits at once.
 */
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConfirmChannel } from "amqplib";
import { AmqpConnection, brokerAddress, openChannel, type AmqpLink } from "@/lib/amqp/amqp-connection";
import { assertLogsExchange, logsExchange } from "@/lib/amqp/topology";
import { envOrExit } from "@/lib/base-env";
import { parseDemoEnv } from "@/lib/demo/demo-env";
import { createRecordGenerator, type GeneratedRecord } from "@/lib/demo/generate-records";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";

const env = envOrExit(() => parseDemoEnv(process.env));

const CONFIRM_EVERY = 1000;
const CONFIRM_INTERVAL_MS = 1000;
const REPORT_INTERVAL_MS = 30_000;
const GRACE_MS = 15_000;

const log = (line: string) => console.log(`[demo-publisher] ${line}`);

type Link = AmqpLink<ConfirmChannel>;

const stop = new AbortController();
const records = createRecordGenerator({
  seed: env.DEMO_SEED,
  startMs: Date.now(),
  ratePerSec: env.DEMO_RATE,
  index: env.DEMO_INDEX,
  prefix: env.DEMO_PREFIX,
});
/** Drawn from the generator and waiting for its time. */
let upcoming: GeneratedRecord | null = null;
/** Published, not yet confirmed, by message id. */
const unconfirmed = new Map<string, GeneratedRecord>();
/** Nacked or lost with a connection: published again before anything new. */
const resend: GeneratedRecord[] = [];
const counts = { published: 0, confirmed: 0, totalConfirmed: 0, sinceConfirmWait: 0, connections: 0 };

const broker = new AmqpConnection({
  url: env.AMQP_URL,
  signal: stop.signal,
  setup: async (conn) => {
    await assertLogsExchange(conn, logsExchange(env, log));
    // Its channel closing takes the connection along: one way to be lost.
    const ch = await openChannel(conn, {
      confirm: true,
      onError: (err) => log(`channel error: ${err.message}`),
      closesConnection: true,
    });
    return ch;
  },
  onError: (err) => log(`connection error: ${err.message}`),
  onConnected: ({ attempt }) => {
    if (counts.connections++ > 0 || attempt > 1) log(`connected on attempt ${attempt}`);
  },
  onConnectFailed: ({ attempt, elapsedMs, error, delayMs }) =>
    log(
      `connect attempt ${attempt} failed after ${elapsedMs} ms: ${error.message}; retrying in ${delayMs} ms`,
    ),
});

async function publish(link: Link, r: GeneratedRecord, signal: AbortSignal): Promise<void> {
  unconfirmed.set(r.messageId, r);
  const body = Buffer.from(JSON.stringify(r.body));
  const options = {
    messageId: r.messageId,
    persistent: true,
    contentType: "application/json",
    timestamp: Math.floor(r.ts / 1000),
  };
  const flowing = link.state.publish(env.AMQP_EXCHANGE, r.routingKey, body, options, (err) => {
    // A record requeued after its channel was lost is no longer this callback's to settle.
    if (!unconfirmed.delete(r.messageId)) return;
    if (err) {
      resend.push(r);
    } else {
      counts.confirmed++;
      counts.totalConfirmed++;
    }
  });
  counts.published++;
  counts.sinceConfirmWait++;
  if (!flowing) await once(link.state, "drain", { signal });
}

/** Waits for the broker to confirm everything published so far; nacked records are already queued to resend. */
async function waitForConfirms(link: Link): Promise<void> {
  counts.sinceConfirmWait = 0;
  try {
    await link.state.waitForConfirms();
  } catch (err) {
    if (link.lost.aborted) throw err;
    log(`broker nacked a message; publishing it again`);
  }
}

async function publishUntilStopped(link: Link): Promise<void> {
  const signal = AbortSignal.any([stop.signal, link.lost]);
  let lastConfirmWait = Date.now();
  while (!signal.aborted) {
    const retry = resend.shift();
    if (retry) {
      await publish(link, retry, signal);
    } else {
      upcoming ??= records.next().value;
      const wait = upcoming.ts - Date.now();
      if (wait > 0) {
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const r = upcoming;
      upcoming = null;
      await publish(link, r, signal);
    }
    if (counts.sinceConfirmWait >= CONFIRM_EVERY || Date.now() - lastConfirmWait >= CONFIRM_INTERVAL_MS) {
      await waitForConfirms(link);
      lastConfirmWait = Date.now();
    }
  }
}

/** After a lost channel, everything it did not confirm goes out again. */
function requeueUnconfirmed(): void {
  resend.push(...unconfirmed.values());
  unconfirmed.clear();
}

async function run(): Promise<void> {
  while (!stop.signal.aborted) {
    const link = await broker.connect();
    if (!link) break;
    try {
      await publishUntilStopped(link);
    } catch (err) {
      if (!link.lost.aborted && !stop.signal.aborted) log(`publishing failed: ${(err as Error).message}`);
    }
    if (stop.signal.aborted && !link.lost.aborted) {
      await waitForConfirms(link).catch((err: Error) => log(`waiting for confirms failed: ${err.message}`));
      await broker.close();
      break;
    }
    const reason = link.lost.aborted ? (link.lost.reason as Error).message : "publishing failed";
    await link.connection.close().catch(() => undefined);
    requeueUnconfirmed();
    if (!stop.signal.aborted) log(`${reason}; reconnecting with ${resend.length} records to publish again`);
  }
  const undelivered = unconfirmed.size + resend.length;
  log(
    `stopped: ${counts.totalConfirmed} records confirmed${undelivered ? `, ${undelivered} not delivered` : ""}`,
  );
}

const report = setInterval(() => {
  log(
    `${counts.published} published, ${counts.confirmed} confirmed in the last ${REPORT_INTERVAL_MS / 1000} s; ` +
      `${unconfirmed.size} awaiting confirm, ${counts.totalConfirmed} confirmed in all`,
  );
  counts.published = 0;
  counts.confirmed = 0;
}, REPORT_INTERVAL_MS);

log(
  `publishing ~${env.DEMO_RATE} records/s (seed ${env.DEMO_SEED}) to exchange "${env.AMQP_EXCHANGE}" at ` +
    `${brokerAddress(env.AMQP_URL)}, routing keys ${env.DEMO_PREFIX}.${env.DEMO_INDEX}.<logger>`,
);
const running = run().then(
  () => clearInterval(report),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

onTwoStageShutdown({
  name: "demo-publisher",
  signals: ["SIGINT", "SIGTERM"],
  graceMs: GRACE_MS,
  stopping: "waiting for outstanding confirms",
  stop: () => {
    stop.abort();
    return running;
  },
  abandon: () => `${unconfirmed.size} records unconfirmed`,
});
