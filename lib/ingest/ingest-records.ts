import { randomUUID } from "node:crypto";
import type { ConfirmChannel } from "amqplib";
import type { LoggerIndex } from "@/db/schema";
import { publishAndConfirm } from "@/lib/amqp/amqp-connection";
import { routingKeyMatching } from "@/lib/amqp/topology";
import { bodyLineSeq, SEQ_HEADER } from "@/lib/records/record-seq";

/**
 * Publishes records for an index onto the logs exchange, with confirms, under a routing key its own bindings
 * match: HTTP ingest takes the same path as every other producer (queue, collector, dead-letter rules).
 * `messageIds`, one per record, when the sender names its records (an Elasticsearch `_id`): a record sent again
 * under its id is then the same record (lib/records/record-id.ts); otherwise each gets a fresh one.
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
