/**
 * The soak test's producers: one fills a queue as fast as confirms allow (to measure how fast the collector
 * drains it), the other publishes at a steady pace for the length of the run. Both publish with confirms and wait
 * for them, as DESIGN.md says a producer must, and number their records (`soak_seq`, and the AMQP message id
 * from it), so that every record can be looked for in the index afterwards.
 */
import amqp, { type ConfirmChannel } from "amqplib";
import { createRecordGenerator } from "@/lib/demo/generate-records";

type Target = { amqpUrl: string; exchange: string; index: string; seed: number };

function records(t: Target, ratePerSec: number) {
  return createRecordGenerator({ seed: t.seed, startMs: Date.now(), ratePerSec, index: t.index });
}

async function send(
  ch: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: object,
  messageId: string,
) {
  const ok = ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
    persistent: true,
    contentType: "application/json",
    messageId,
  });
  if (!ok) await new Promise((r) => ch.once("drain", r));
}

/** Publishes `count` records back to back, with confirms; returns the publish rate. */
export async function prefill(t: Target, count: number): Promise<number> {
  const conn = await amqp.connect(t.amqpUrl);
  try {
    const ch = await conn.createConfirmChannel();
    const gen = records(t, 10_000);
    const started = performance.now();
    for (let n = 0; n < count; n++) {
      const r = gen.next().value;
      await send(ch, t.exchange, r.routingKey, { ...r.body, soak_seq: n }, `soak-${t.seed}-${n}`);
      if (n % 5000 === 4999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    return count / ((performance.now() - started) / 1000);
  } finally {
    await conn.close();
  }
}

export type PacedResult = {
  /** Records published and confirmed by the broker: sequence numbers 0 … published − 1. */
  published: number;
  elapsedMs: number;
  /** Time spent paused because the queue held more than maxBacklog records. */
  pausedMs: number;
};

/**
 * Publishes at `ratePerSec` until stopped or `maxRecords` are out. Records carry times from the same clock the
 * pace follows, so they arrive about "now" as a live producer's do. While `backlog()` exceeds `maxBacklog` it
 * pauses (a safety cap: a collector that cannot keep up must not fill the broker for everyone on the machine);
 * the pause is reported, and the pace resumes without catching up.
 */
export async function startPacedPublisher(
  t: Target & {
    ratePerSec: number;
    maxRecords: number;
    backlog: () => number;
    maxBacklog: number;
  },
): Promise<{ published: () => number; failure: () => Error | null; stop: () => Promise<PacedResult> }> {
  const conn = await amqp.connect(t.amqpUrl);
  const ch = await conn.createConfirmChannel();
  const gen = records(t, t.ratePerSec);
  ch.on("error", () => undefined);
  let stopped = false;
  let sent = 0;
  let pausedMs = 0;
  const started = performance.now();
  const tickMs = 10;

  let failure: Error | null = null;
  const loop = (async () => {
    while (!stopped && sent < t.maxRecords) {
      if (t.backlog() > t.maxBacklog) {
        await new Promise((r) => setTimeout(r, 100));
        pausedMs += 100;
        continue;
      }
      const due = Math.min(
        t.maxRecords,
        Math.floor(((performance.now() - started - pausedMs) * t.ratePerSec) / 1000),
      );
      for (; sent < due && !stopped; sent++) {
        const r = gen.next().value;
        await send(ch, t.exchange, r.routingKey, { ...r.body, soak_seq: sent }, `soak-${t.seed}-${sent}`);
      }
      // Confirms are awaited every tick, so at most one tick's records are ever unconfirmed.
      await ch.waitForConfirms();
      await new Promise((r) => setTimeout(r, tickMs));
    }
  })();
  // Noted here and rethrown by stop(), so a broker refusal fails the test rather than the process.
  loop.catch((err: Error) => (failure = err));

  return {
    published: () => sent,
    failure: () => failure,
    stop: async () => {
      stopped = true;
      try {
        await loop;
        await ch.waitForConfirms();
      } finally {
        await conn.close();
      }
      return { published: sent, elapsedMs: performance.now() - started, pausedMs };
    },
  };
}
