/**
 * Which keys of a JSON record the collector lifts the message and the time from (docs/OPERATIONS.md "Lifted
 * fields"), first match winning. The agent reads a JSON line with the same lists, so that the message it decides
 * a line has is the one the collector will store. Kept free of imports: the agent and the ingest route use it too.
 */
export const MESSAGE_KEYS = ["message", "msg", "@message", "log"] as const;
export const TIME_KEYS = ["@timestamp", "timestamp", "time", "ts"] as const;
export const LEVEL_KEYS = ["level", "levelname", "severity", "log.level"] as const;
export const HOST_KEYS = ["host", "hostname"] as const;
export const LOGGER_KEYS = ["logger", "name", "logger_name"] as const;

/** The first of MESSAGE_KEYS that holds a string, if any. */
export function messageKeyOf(record: Record<string, unknown>): (typeof MESSAGE_KEYS)[number] | undefined {
  return MESSAGE_KEYS.find((k) => typeof record[k] === "string");
}
