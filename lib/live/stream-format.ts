/**
 * /stream's plain-text lines, for terminals (`curl -N`), one record a line:
 *
 *   2026-11-21T10:00:00.123Z shop[shop.views] web-01: GET /api/orders/42 500
 *
 * `<ISO time> <app>[<proc>] <host>: <message>`: app is the index, proc the record's logger, `-` for an empty
 * logger or host. A multi-line message goes on with its further lines indented by two spaces, so every line of
 * the output still starts with a time or with whitespace. Lines starting with `#` are the stream's own notes
 * (keepalive, dropped lines).
 */
import type { LogRecord } from "@/lib/query/wire";

export const STREAM_KEEPALIVE = "# keepalive\n";

export function streamLine(app: string, r: LogRecord): string {
  const or = (s: string) => (s === "" ? "-" : s);
  const lines = r.message.replace(/[\r\n]+$/, "").split(/\r\n|\n|\r/);
  let out = `${r.time} ${app}[${or(r.logger)}] ${or(r.host)}: ${lines[0]}\n`;
  for (let i = 1; i < lines.length; i++) out += `  ${lines[i]}\n`;
  return out;
}

export function streamNote(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, " ")}\n`;
}
