/**
 * The queries a user searched for, newest first, as the query box offers them again. Kept in the browser
 * (localStorage) under a key per user, so that two people on one browser profile keep their own. This module is
 * the list's rules; the search bar does the storing.
 */

export const HISTORY_SIZE = 50;

export function historyKey(user: string): string {
  return `alco:query-history:${user}`;
}

/** What was stored, read forgivingly: anything that is not a list of queries counts as no history. */
export function parseHistory(stored: string | null): string[] {
  if (!stored) return [];
  let list: unknown;
  try {
    list = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  const queries = list.filter((q): q is string => typeof q === "string").map((q) => q.trim());
  return [...new Set(queries.filter((q) => q !== ""))].slice(0, HISTORY_SIZE);
}

/** The history with `query` at its top: once only, the oldest let go beyond HISTORY_SIZE. Empty queries are not kept. */
export function rememberQuery(history: string[], query: string): string[] {
  const q = query.trim();
  if (q === "") return history;
  return [q, ...history.filter((h) => h !== q)].slice(0, HISTORY_SIZE);
}
