/**
 * What an index (logger) name may be. Index names double as searchd's table names and as URL segments; the rule
 * lives apart from the SphinxQL dialect, which re-exports it, so that what only validates a name (the agent, the
 * shared zod schemas) does not load the dialect's SQL escaper with it.
 */

/** Index (logger) names double as table names and URL segments. */
export const INDEX_NAME_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

/** searchd refuses to start without a table, so one small table always exists; no index may take its name. */
export const HEALTH_TABLE = "alco_health";

export function isValidIndexName(name: string): boolean {
  return INDEX_NAME_PATTERN.test(name) && name !== HEALTH_TABLE;
}
