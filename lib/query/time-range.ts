/**
 * Times in the API: absolute (ISO 8601, or epoch milliseconds) or relative to now, Grafana-style:
 * `now`, `now-15m`, `now-2h`, `now-7d`, `now-30s`, `now-1w`, and the same without `now` (`15m` = 15 minutes ago).
 */
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTimeParam(raw: string, nowMs: number): number | null {
  const s = raw.trim();
  if (s === "now") return nowMs;
  const rel = /^(?:now)?-?(\d{1,6})(s|m|h|d|w)$/.exec(s) ?? /^now-(\d{1,6})(s|m|h|d|w)$/.exec(s);
  if (rel) return nowMs - Number(rel[1]) * UNITS[rel[2]!]!;
  if (/^\d{10,16}$/.test(s)) return Number(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? null : ms;
}
