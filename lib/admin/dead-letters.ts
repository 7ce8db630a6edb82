/**
 * An index's dead-letter queue from the admin pages: look at what was rejected and why, put it all back on the
 * exchange once the cause is fixed, or drop it.
 *
 * Peeking takes messages with basic.get and puts them back with nack-requeue, which returns them to their places:
 * nothing is consumed. A queue is first in, first out, so the newest are the last ones: up to MAX_PEEK messages
 * are held, and the last `limit` of those are shown, newest first.
 *
 * Re-publishing sends each dead letter to the main exchange under its original routing key (the
 * `x-alco-routing-key` header the collector set, else the first routing key of a broker-made `x-death`), on a
 * confirm channel with `mandatory`, and acks it only once the broker has confirmed and not returned the copy. A
 * dead letter without a routing key, or one that no queue is bound for any more, stays in the dead-letter queue.
 * Only the messages present at the start are handled, so a record that is rejected again is not looped over.
 */
import "server-only";
import type { Channel, ConfirmChannel, GetMessage, Message, MessagePropertyHeaders } from "amqplib";
import type { LoggerIndex } from "@/db/schema";
import { publishAndConfirm, type OutgoingMessage } from "@/lib/amqp/amqp-connection";
import { deadLetterQueue, DLQ_HEADERS } from "@/lib/amqp/topology";
import { env } from "@/lib/env";
import { isNotFound, onBroker, onConfirmBroker } from "./broker";

export const MAX_PEEK = 1000;
export const MAX_BODY_SHOWN = 2048;
const REPUBLISH_BATCH = 200;
/** Tells a returned (unroutable) copy from the others; the copy keeps it, harmlessly. */
const REPUBLISH_ID = "x-alco-republish-id";

export type DeadLetter = {
  messageId: string | null;
  reason: string | null;
  routingKey: string | null;
  rejectedAt: string | null;
  /** The body as UTF-8 text, cut at MAX_BODY_SHOWN bytes. */
  body: string;
  bytes: number;
  truncated: boolean;
};

function headerText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  return null;
}

type XDeath = { reason?: unknown; "routing-keys"?: unknown; time?: unknown };

function firstDeath(headers: MessagePropertyHeaders): XDeath | null {
  const deaths = headers["x-death"] as unknown;
  return Array.isArray(deaths) && deaths.length ? (deaths[0] as XDeath) : null;
}

function originalRoutingKey(m: Message): string | null {
  const headers = m.properties.headers ?? {};
  const own = headerText(headers[DLQ_HEADERS.routingKey]);
  if (own) return own;
  const keys = firstDeath(headers)?.["routing-keys"];
  return Array.isArray(keys) ? headerText(keys[0]) : null;
}

function describe(m: Message): DeadLetter {
  const headers = m.properties.headers ?? {};
  const death = firstDeath(headers);
  const deathReason = headerText(death?.reason);
  const deathTime = death?.time as { value?: unknown } | Date | undefined;
  const deathAt =
    deathTime instanceof Date
      ? deathTime.toISOString()
      : typeof deathTime?.value === "number"
        ? new Date(deathTime.value * 1000).toISOString()
        : null;
  return {
    messageId: typeof m.properties.messageId === "string" ? m.properties.messageId : null,
    reason: headerText(headers[DLQ_HEADERS.reason]) ?? (deathReason ? `broker: ${deathReason}` : null),
    routingKey: originalRoutingKey(m),
    rejectedAt: headerText(headers[DLQ_HEADERS.at]) ?? deathAt,
    body: m.content.subarray(0, MAX_BODY_SHOWN).toString("utf8"),
    bytes: m.content.length,
    truncated: m.content.length > MAX_BODY_SHOWN,
  };
}

async function countOrZero(ch: Channel, queue: string): Promise<number | null> {
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** The dead-letter count and the newest `limit` dead letters, newest first; nothing is consumed. */
export async function peekDeadLetters(
  index: Pick<LoggerIndex, "queueName">,
  limit: number,
): Promise<{ count: number; messages: DeadLetter[] }> {
  const queue = deadLetterQueue(index.queueName);
  return onBroker(async (ch) => {
    const count = await countOrZero(ch, queue);
    if (!count) return { count: 0, messages: [] };
    // Only the descriptions shown and the last delivery (to put them all back) are kept: holding every message
    // taken would hold up to MAX_PEEK bodies of up to the broker's message size limit each.
    const shown: DeadLetter[] = [];
    let last: GetMessage | null = null;
    for (let held = 0; held < Math.min(count, MAX_PEEK); held++) {
      const m = await ch.get(queue, { noAck: false });
      if (!m) break;
      last = m;
      shown.push(describe(m));
      if (shown.length > limit) shown.shift();
    }
    if (last) ch.nack(last, true, true);
    return { count, messages: shown.reverse() };
  });
}

function republishHeaders(m: Message, id: number): MessagePropertyHeaders {
  const headers: MessagePropertyHeaders = { ...(m.properties.headers ?? {}) };
  for (const h of [...Object.values(DLQ_HEADERS), "x-death", "x-first-death-exchange", "x-first-death-queue"])
    delete headers[h];
  delete headers["x-first-death-reason"];
  headers[REPUBLISH_ID] = id;
  return headers;
}

/** The copy of a dead letter put back on the main exchange, `mandatory` so that an unroutable one comes back. */
function republishedCopy({ m, id, key }: { m: Message; id: number; key: string }): OutgoingMessage {
  const p = m.properties;
  return {
    routingKey: key,
    content: m.content,
    options: {
      mandatory: true,
      persistent: true,
      contentType: p.contentType as string | undefined,
      contentEncoding: p.contentEncoding as string | undefined,
      messageId: p.messageId as string | undefined,
      correlationId: p.correlationId as string | undefined,
      timestamp: p.timestamp as number | undefined,
      type: p.type as string | undefined,
      appId: p.appId as string | undefined,
      headers: republishHeaders(m, id),
    },
  };
}

/** Moves every dead letter back to the main exchange; the number re-published. */
export async function republishDeadLetters(
  index: Pick<LoggerIndex, "queueName">,
): Promise<{ count: number }> {
  const queue = deadLetterQueue(index.queueName);
  return onConfirmBroker(async (ch: ConfirmChannel) => {
    let left = (await countOrZero(ch, queue)) ?? 0;
    const returned = new Set<number>();
    ch.on("return", (m: Message) => returned.add(Number(m.properties.headers?.[REPUBLISH_ID])));
    const kept: GetMessage[] = [];
    let republished = 0;
    let nextId = 0;
    while (left > 0) {
      const batch: { m: GetMessage; id: number; key: string }[] = [];
      while (batch.length < REPUBLISH_BATCH && left > 0) {
        const m = await ch.get(queue, { noAck: false });
        if (!m) {
          left = 0;
          break;
        }
        left--;
        const key = originalRoutingKey(m);
        if (key) batch.push({ m, id: nextId++, key });
        else kept.push(m);
      }
      // Returns of unroutable copies arrive before their confirms.
      await publishAndConfirm(ch, env.AMQP_EXCHANGE, batch.map(republishedCopy));
      for (const { m, id } of batch) {
        if (returned.has(id)) kept.push(m);
        else {
          ch.ack(m);
          republished++;
        }
      }
    }
    // Held until now, so that the loop above does not take them again.
    for (const m of kept) ch.nack(m, false, true);
    return { count: republished };
  });
}

/** Deletes every dead letter; the number dropped. */
export async function dropDeadLetters(index: Pick<LoggerIndex, "queueName">): Promise<{ count: number }> {
  const queue = deadLetterQueue(index.queueName);
  return onBroker(async (ch) => {
    try {
      return { count: (await ch.purgeQueue(queue)).messageCount };
    } catch (err) {
      if (isNotFound(err)) return { count: 0 };
      throw err;
    }
  });
}
