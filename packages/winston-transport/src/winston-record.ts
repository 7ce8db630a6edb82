/**
 * The record sent for one winston `info` object: `{ timestamp, level, message, host, pid, logger, ...meta }`.
 * winston keeps its internals under Symbol keys (LEVEL, MESSAGE, SPLAT); they are not fields and are left out.
 */
import { stringifyRecord } from "@alco/amqp-publisher";
import os from "node:os";

/** triple-beam's LEVEL: the level as logged, before a format such as colorize() decorates `info.level`. */
const LEVEL = Symbol.for("level");

export type RecordContext = { logger: string; host: string; pid: number };

export function recordContext(logger: string): RecordContext {
  return { logger, host: os.hostname(), pid: process.pid };
}

export function winstonRecord(
  info: Record<string | symbol, unknown>,
  ctx: RecordContext,
  now = Date.now(),
): Record<string, unknown> {
  const { level, message, timestamp, ...meta } = info;
  // `logger.error(err)` hands the Error itself over as the info object; its stack is not enumerable.
  if (info instanceof Error && meta.stack === undefined) meta.stack = info.stack;
  const record: Record<string, unknown> = {
    timestamp:
      typeof timestamp === "string" || typeof timestamp === "number"
        ? timestamp
        : new Date(now).toISOString(),
    level: typeof info[LEVEL] === "string" ? info[LEVEL] : level,
    message: messageText(message, meta),
    host: ctx.host,
    pid: ctx.pid,
    logger: ctx.logger,
  };
  for (const [k, v] of Object.entries(meta)) record[k] = v;
  return record;
}

/** The message as text; `logger.log({ level, message: err })` leaves an Error as the message. */
function messageText(message: unknown, meta: Record<string, unknown>): string {
  switch (typeof message) {
    case "string":
      return message;
    case "number":
    case "boolean":
    case "bigint":
    case "symbol":
      return message.toString();
    case "undefined":
    case "function":
      return "";
    case "object":
      if (message === null) return "";
  }
  if (message instanceof Error) {
    if (meta.stack === undefined && message.stack !== undefined) meta.stack = message.stack;
    return message.message;
  }
  return stringifyRecord(message);
}
