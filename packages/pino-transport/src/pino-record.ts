/**
 * The record sent for one pino line: the line's own fields, with `logger` added when the line has none. pino
 * writes JSON already; a line that is not a JSON object (something else wrote to the stream) is kept as `msg`.
 */

export function pinoRecord(line: unknown, logger: string, now = Date.now()): Record<string, unknown> {
  const record: Record<string, unknown> =
    line !== null && typeof line === "object" && !Array.isArray(line)
      ? { ...(line as Record<string, unknown>) }
      : { msg: typeof line === "string" ? line : JSON.stringify(line), time: now };
  if (typeof record.logger !== "string" || record.logger === "") record.logger = logger;
  return record;
}

/** The record's own time (pino's `time`, epoch ms) when it has one, for the AMQP `timestamp` property. */
export function recordTime(record: Record<string, unknown>, now = Date.now()): number {
  return typeof record.time === "number" && Number.isFinite(record.time) ? record.time : now;
}
