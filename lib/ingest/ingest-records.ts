import "server-only";
import { createHash } from "node:crypto";
import type { LoggerIndex } from "@/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors/app-error";
import { withAmqpChannel } from "@/lib/services";
import { publishForIndex } from "./publish-for-index";

export { publishForIndex };

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
