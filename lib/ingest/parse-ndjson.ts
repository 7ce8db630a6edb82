/**
 * HTTP ingest bodies: one JSON record per line. All or nothing: a body with a bad line is refused whole, with the
 * line numbers and what is wrong, so the client can fix and resend without wondering which lines were taken.
 */
import { messageKeyOf } from "@/lib/records/record-keys";

export const MAX_INGEST_BYTES = 10 * 1024 * 1024;
export const MAX_INGEST_LINES = 50_000;

export type NdjsonResult = { ok: true; records: string[] } | { ok: false; errors: string[] };

export function parseNdjson(body: string): NdjsonResult {
  const records: string[] = [];
  const errors: string[] = [];
  const lines = body.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      errors.push(`line ${i + 1}: not JSON (${(err as Error).message.slice(0, 80)})`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors.push(`line ${i + 1}: not a JSON object`);
    } else if (messageKeyOf(value as Record<string, unknown>) === undefined) {
      errors.push(`line ${i + 1}: no message text (a string in message, msg, @message or log)`);
    } else {
      records.push(line);
    }
    if (errors.length >= 10) break;
  }
  if (errors.length) return { ok: false, errors };
  if (records.length > MAX_INGEST_LINES)
    return { ok: false, errors: [`at most ${MAX_INGEST_LINES} lines per request, got ${records.length}`] };
  return { ok: true, records };
}
