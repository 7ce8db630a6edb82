import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { ConfirmChannel } from "amqplib";
import type { LoggerIndex } from "@/db/schema";
import { publishAndConfirm } from "@/lib/amqp/amqp-connection";
import { routingKeyMatching } from "@/lib/amqp/topology";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { bodyLineSeq, SEQ_HEADER } from "@/lib/records/record-seq";
import { withAmqpChannel } from "@/lib/services";

/**
 * Publishes records for an index onto the logs exchange, with confirms, under a routing key its own bindings
 * match: HTTP ingest takes the same path as every other producer (queue, collector, dead-letter rules). The
 * message ids (which the collector makes record ids of) are random unless given.
 */
export async function publishForIndex(
  ch: ConfirmChannel,
  exchange: string,
  index: LoggerIndex,
  records: string[],
  messageIds?: string[],
): Promise<number> {
  const routingKey = routingKeyMatching(index.routingKeys[0]!, "http");
  const now = Date.now();
  const timestamp = Math.floor(now / 1000);
  await publishAndConfirm(
    ch,
    exchange,
    records.map((r, line) => ({
      routingKey,
      content: Buffer.from(r),
      options: {
        persistent: true,
        contentType: "application/json",
        messageId: messageIds?.[line] ?? randomUUID(),
        timestamp,
        // Records without a time of their own take the time they were received, to the millisecond; records
        // sharing a time keep the order of the bodies and of the lines in them.
        headers: { timestamp_in_ms: now, [SEQ_HEADER]: bodyLineSeq(now, line) },
      },
    })),
  );
  return records.length;
}

/**
 * Message ids made from the records themselves, so that a body a shipper sends again (after a 503, or after a
 * lost answer to a body that was in fact stored) maps to the same record ids and replaces itself instead of
 * storing its lines twice. The n-th copy of a line within one body gets its own id: two identical lines sent
 * together stay two. The protocols' records carry their own nanosecond times, so two bodies with the same record
 * are the same line sent twice.
 */
export function resendSafeIds(indexName: string, records: string[]): string[] {
  const seen = new Map<string, number>();
  return records.map((r) => {
    const n = seen.get(r) ?? 0;
    seen.set(r, n + 1);
    return createHash("sha256").update(`${indexName}\n${n}\n`).update(r).digest("base64url").slice(0, 32);
  });
}

/**
 * publishForIndex on the web app's broker connection; a broker that is away is `unavailable` (nothing of the body
 * was confirmed, so the client sends it again), which the protocol front ends answer so that shippers retry.
 */
export async function publishRecords(index: LoggerIndex, records: string[]): Promise<number> {
  if (records.length === 0) return 0;
  const ids = resendSafeIds(index.name, records);
  return withAmqpChannel((ch) => publishForIndex(ch, env.AMQP_EXCHANGE, index, records, ids), {
    confirm: true,
  }).catch((err: Error) => {
    console.error(`ingest to ${index.name}: ${err.message}`);
    throw new AppError(
      "unavailable",
      "the message broker is not reachable; nothing was accepted, send again",
    );
  });
}
