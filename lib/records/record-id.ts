/**
 * Record ids are 63 bits of a hash of what makes a record unique, so a redelivered message maps to the same id and
 * `REPLACE INTO` makes redelivery harmless. No bits are spent on time: time-prefixed short hashes collide under
 * load and REPLACE turns a collision into a lost record (DESIGN.md). Order is by (ts, id), not by id.
 *
 * What is hashed: the routing key with the AMQP message_id (our transports and agent set it uniquely, so two
 * identical lines logged in the same millisecond stay two records); otherwise the routing key and the raw body,
 * which for logcollect includes its per-process `seq`. Two byte-identical bodies without a message_id are one record:
 * the documented fallback.
 *
 * The routing key is part of both because a message_id is only unique within its producer: two apps that number
 * their messages from 1 must not replace each other's records. It is stable wherever a message goes again: the broker
 * redelivers with the original key, the agent derives it from its fixed index and logger, and dead letters are
 * re-published under it. The exchange adds nothing: a deployment has one.
 */
import { createHash } from "node:crypto";

const MASK_63 = (1n << 63n) - 1n;

function hash63(parts: (string | Buffer)[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p);
    h.update("\u0000");
  }
  const n = h.digest().readBigUInt64BE(0) & MASK_63;
  // 0 is not a valid engine id.
  return (n === 0n ? 1n : n).toString();
}

export function recordId(input: { messageId?: string; routingKey: string; body: Buffer }): string {
  if (input.messageId) return hash63(["mid", input.routingKey, input.messageId]);
  return hash63(["body", input.routingKey, input.body]);
}
