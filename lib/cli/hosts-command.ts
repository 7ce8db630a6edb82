/**
 * `alco hosts`: the hosts seen in the indexes the token may read; `alco hosts <host>`: one host and its files;
 * `--files`: its files with line counts. A table, or the API's entries as NDJSON with --json.
 */
import type { HostDetail, HostFile, HostSummary } from "@/lib/hosts/schema";
import type { CliContext } from "./cli-context";
import { localTime } from "./format-record";
import { formatTable } from "./format-table";

export type HostsOptions = { host?: string; files: boolean; from?: number; to?: number; json: boolean };

const when = (iso: string | null) => (iso ? localTime(Date.parse(iso)) : "-");

function filesTable(files: HostFile[]): string[] {
  return formatTable(
    ["FILE", "INDEX", "LINES", "LAST SEEN"],
    files.map((f) => [
      f.kind === "logger" ? `${f.filename} (logger)` : f.filename,
      f.index,
      String(f.lines),
      when(f.last_seen),
    ]),
  );
}

export async function runHosts(ctx: CliContext, cmd: HostsOptions): Promise<void> {
  const window = { from: cmd.from, to: cmd.to };
  if (cmd.host === undefined) {
    const { data } = await ctx.client.getJson<{ data: HostSummary[] }>("/api/hosts", {}, ctx.signal);
    const rows = data.map((h) => [h.host, when(h.last_seen)]);
    if (cmd.json) for (const h of data) ctx.out(JSON.stringify(h));
    else if (data.length === 0) ctx.err("alco: no hosts seen in the indexes you can read");
    else for (const line of formatTable(["HOST", "LAST SEEN"], rows)) ctx.out(line);
    return;
  }
  const base = `/api/hosts/${encodeURIComponent(cmd.host)}`;
  if (cmd.files) {
    const { data } = await ctx.client.getJson<{ data: HostFile[] }>(`${base}/files`, window, ctx.signal);
    if (cmd.json) for (const f of data) ctx.out(JSON.stringify(f));
    else for (const line of filesTable(data)) ctx.out(line);
    return;
  }
  const { data } = await ctx.client.getJson<{ data: HostDetail }>(base, window, ctx.signal);
  if (cmd.json) {
    ctx.out(JSON.stringify(data));
    return;
  }
  ctx.out(`host   ${data.host}`);
  ctx.out(`logs   ${ctx.client.baseUrl}${data.logs_url}`);
  const names = [...new Set(data.files.map((f) => f.filename))];
  ctx.out(`files  ${names.length === 0 ? "none in the window" : names.join(", ")}`);
}
