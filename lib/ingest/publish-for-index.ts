/**
 * The one publish every front end ends in, shared by the web app and the syslog listener (a worker on plain Node),
 * so it takes its channel and exchange as arguments and reads no env.
 */
import { randomUUID } from "node:crypto";
import type { ConfirmChannel } from "amqplib";
import type { LoggerIndex } from "@/db/schema";
import { publishAndConfirm } from "@/lib/amqp/amqp-connection";
import { routingKeyMatching } from "@/lib/amqp/topology";
import { bodyLineSeq, SEQ_HEADER } from "@/lib/records/record-seq";

/**
 * Publishes records for an index onto the logs exchange, with confirms, under a routing key its own bindings
 * match: HTTP ingest takes the same path as every other producer (queue, collector, dead-letter rules). The
 * message ids (which the collector makes record ids of) are random unless given: a sender that names its records (an Elasticsearch `_id`) or a front end that
 * derives them (resendSafeIds) makes a record sent again the same record (lib/records/record-id.ts).
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
