/**
 * The answers of the Logging Aggregator's REST API (`/hosts/…` at the root), built from the /api/hosts answers so
 * that both read the same data: the seed's keys first, with its values as its README shows them (links absolute,
 * `last_modified` as epoch seconds in a string), then what alco knows beyond them. A script written against the
 * seed reads only its own keys and ignores the rest.
 */
import type { HostFile, HostLogLine, HostSummary } from "./schema";

export type SeedHost = { host: string; url: string; last_seen: string | null };

/** A host's file, once however many indexes hold it. */
export type SeedFile = { filename: string; host: string; url: string; lines: number; last_seen: string };

export type SeedLogLine = {
  filename: string;
  last_modified: string;
  logline: string;
  host: string;
} & Omit<HostLogLine, "filename" | "logline" | "host">;

const segment = encodeURIComponent;

/** `<origin>/hosts/<host>/`, the seed's link to a host. */
export function seedHostUrl(origin: string, host: string): string {
  return `${origin}/hosts/${segment(host)}/`;
}

/** `<origin>/hosts/<host>/logs?file=<filename>`, the seed's link to a file's lines. */
export function seedFileUrl(origin: string, host: string, filename: string): string {
  return `${origin}/hosts/${segment(host)}/logs?file=${encodeURIComponent(filename)}`;
}

/**
 * Epoch seconds with the milliseconds as the fraction, in a string: the seed writes the float its store returns
 * (`"1639596366.62149810791015625"`); alco keeps milliseconds, so three digits, exactly.
 */
export function lastModified(ms: number): string {
  const whole = Math.floor(ms / 1000);
  return `${whole}.${String(ms - whole * 1000).padStart(3, "0")}`;
}

export function toSeedHosts(origin: string, hosts: HostSummary[]): SeedHost[] {
  return hosts.map((h) => ({ host: h.host, url: seedHostUrl(origin, h.host), last_seen: h.last_seen }));
}

/** One entry per file name, by name: the seed has no indexes, so a file two indexes hold is counted once. */
export function toSeedFiles(origin: string, host: string, files: HostFile[]): SeedFile[] {
  const byName = new Map<string, SeedFile>();
  for (const f of files) {
    const seen = byName.get(f.filename);
    if (seen) {
      seen.lines += f.lines;
      if (f.last_seen > seen.last_seen) seen.last_seen = f.last_seen;
    } else {
      byName.set(f.filename, {
        filename: f.filename,
        host,
        url: seedFileUrl(origin, host, f.filename),
        lines: f.lines,
        last_seen: f.last_seen,
      });
    }
  }
  return [...byName.values()];
}

/** The seed's `/files/`: the names alone, each once, in the order of `files` (by name). */
export function toSeedFileNames(files: HostFile[]): string[] {
  return [...new Set(files.map((f) => f.filename))];
}

export function toSeedLogLine(line: HostLogLine): SeedLogLine {
  const { filename, logline, host, ...rest } = line;
  return { filename, last_modified: lastModified(Date.parse(line.timestamp)), logline, host, ...rest };
}
