/**
 * The /hosts API's parameters and answers (Logging Aggregator style: every answer is `{ "data": … }`), shared by
 * the route handlers and the CLI.
 */
import { z } from "zod";
import { grepParamsSchema } from "@/lib/query/schema";

const { from, to } = grepParamsSchema.shape;

const RANGE_ORDER = { message: "from must not be later than to" };
const rangeOrdered = (p: { from?: number; to?: number }) =>
  p.from === undefined || p.to === undefined || p.from <= p.to;

/** A host name as records carry it: 1–256 characters (the collector keeps 256), no control characters. */
export function isHostName(host: string): boolean {
  return host.length > 0 && host.length <= 256 && !/[\u0000-\u001f\u007f]/.test(host);
}

/** The window the sources of a host are counted over when the request names none. */
export const DEFAULT_FILES_WINDOW_MS = 24 * 3_600_000;

/** `from`/`to` as in the grep API; the window always resolves: `to` = now, `from` = 24 hours before `to`. */
export const hostFilesParamsSchema = z
  .object({ from, to })
  .transform((p) => {
    const toMs = p.to ?? Date.now();
    return { from: p.from ?? toMs - DEFAULT_FILES_WINDOW_MS, to: toMs };
  })
  .refine(rangeOrdered, RANGE_ORDER);
export type HostFilesParams = z.output<typeof hostFilesParamsSchema>;

/**
 * The Logging Aggregator's `/hosts/<host>/` lists every file a host has logged, whenever: the window defaults to
 * all the records the indexes keep (each index's retention bounds the scan), and `from`/`to` narrow it.
 */
export const seedFilesParamsSchema = z
  .object({ from, to })
  .transform((p) => ({ from: p.from ?? 0, to: p.to ?? Date.now() }))
  .refine(rangeOrdered, RANGE_ORDER);

export const MAX_HOST_LOGS = 1000;

export const hostLogsParamsSchema = z
  .object({
    /** A grep query (docs/API.md), applied on top of the host. */
    filter: z.string().max(4096, "filter: at most 4096 characters").default(""),
    count: z.coerce
      .number({ error: `count: a whole number from 1 to ${MAX_HOST_LOGS}` })
      .int(`count: a whole number from 1 to ${MAX_HOST_LOGS}`)
      .min(1, "count: at least 1")
      .max(MAX_HOST_LOGS, `count: at most ${MAX_HOST_LOGS}`)
      .default(100),
    /** A source as /files names it: a `file` value, or the logger of records without one. */
    file: z
      .string()
      .min(1, "file: a file name or logger as /files lists it")
      .max(1024, "file: at most 1024 characters")
      .optional(),
    from,
    to,
  })
  .refine(rangeOrdered, RANGE_ORDER);
export type HostLogsParams = z.output<typeof hostLogsParamsSchema>;

/** An entry of GET /api/hosts/. */
export type HostSummary = {
  host: string;
  url: string;
  files_url: string;
  logs_url: string;
  /** The newest time a record of this host was seen (ISO 8601). */
  last_seen: string | null;
};

/** One source of a host: records with this `file`, or without a `file` and with this logger (`kind`). */
export type HostFile = {
  filename: string;
  kind: "file" | "logger";
  index: string;
  lines: number;
  last_seen: string;
};

export type HostDetail = Omit<HostSummary, "last_seen"> & { files: HostFile[] };

export type HostLogLine = {
  host: string;
  filename: string;
  logline: string;
  timestamp: string;
  level: string;
  index: string;
  logger: string;
  id: string;
};

export function hostUrls(host: string): Pick<HostSummary, "url" | "files_url" | "logs_url"> {
  const base = `/api/hosts/${encodeURIComponent(host)}`;
  return { url: `${base}/`, files_url: `${base}/files`, logs_url: `${base}/logs` };
}
