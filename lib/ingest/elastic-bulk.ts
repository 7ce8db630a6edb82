/**
 * The Elasticsearch bulk API as shippers speak it (Filebeat, Logstash, Fluent Bit, Vector, the Elastic clients):
 * NDJSON pairs of an action line and a document line, answered item by item, so that a client drops only the
 * items refused for what they are (status 400) and sends again only the ones refused for now (status 429).
 *
 * Documents are mapped onto the record the collector lifts fields from (lib/records/normalize-record.ts): the ECS
 * names (`log.level`, `host.name`, `service.name`, written nested or dotted) become `level`, `host` and `logger`,
 * and everything else is kept as it was sent. Pure: no I/O, so that every rule here has a unit test.
 */
import { createHash, randomUUID } from "node:crypto";
import { messageKeyOf, TIME_KEYS } from "@/lib/records/record-keys";
import { parseTime, subMillisecondNanos } from "@/lib/records/parse-time";

/**
 * Above Logstash's 20 MiB bulk target (its elasticsearch output splits batches there, not lower), below what one
 * request may hold in memory twice over (the text and its records).
 */
export const MAX_BULK_BYTES = 32 * 1024 * 1024;

/** What Elasticsearch calls an error: a type clients log and match on, and a reason for people. */
export type ElasticError = { type: string; reason: string };

/** One action of a bulk body, with its document already mapped to a record when it is one alco can store. */
export type BulkItem = {
  /** The action's name as sent, which names the item in the answer (`index`, `create`, `update`, `delete`). */
  op: string;
  esIndex: string;
  /** The `_id` it was sent with, else one made here; the record's AMQP message id derives from it. */
  id: string;
  /**
   * Whether the client chose the id: then a resend of the item is the same record (lib/records/record-id.ts). A
   * timed record without one gets an id made from its text when it is published (resendSafeIds), to the same end.
   */
  clientId: boolean;
} & ({ record: string; timed: boolean } | { status: number; error: ElasticError });

/** An item whose document is a record to publish; `timed` when it carries a time of its own. */
export type StoredItem = Extract<BulkItem, { record: string }>;

export type BulkParse = { ok: true; items: BulkItem[] } | { ok: false; error: ElasticError };

const STORED_OPS = new Set(["index", "create"]);
/** The ops that are followed by a document line, as Elasticsearch frames them. */
const OPS_WITH_SOURCE = new Set(["index", "create", "update"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Splits a bulk body into its items. A malformed action line leaves the rest of the body unframed, so the whole
 * request is refused, as Elasticsearch does; a bad document fails its own item only.
 * `urlIndex` is the `<es-index>` of `/<es-index>/_bulk`, the default for actions that name none.
 */
export function parseBulk(body: string, urlIndex?: string): BulkParse {
  const lines = body.split("\n");
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      return malformed(i, "not JSON");
    }
    if (!isObject(action)) return malformed(i, "not a JSON object");
    const keys = Object.keys(action);
    if (keys.length !== 1) return malformed(i, `expected one action, found ${keys.length}`);
    const op = keys[0]!;
    if (!OPS_WITH_SOURCE.has(op) && op !== "delete")
      return malformed(i, `expected one of [create, delete, index, update] but found [${op.slice(0, 40)}]`);
    const meta = action[op];
    if (!isObject(meta)) return malformed(i, `the [${op}] action is not an object`);
    const esIndex = typeof meta._index === "string" ? meta._index : urlIndex;
    const clientId = typeof meta._id === "string" && meta._id !== "";
    const id = clientId ? (meta._id as string) : randomUUID();
    const head = { op, esIndex: esIndex ?? "", id, clientId };

    let source: string | undefined;
    if (OPS_WITH_SOURCE.has(op)) {
      source = lines[++i]?.trim();
      if (source === undefined || source === "") {
        items.push({ ...head, ...failed(400, "action_request_validation_exception", "no document line") });
        continue;
      }
    }
    if (esIndex === undefined) {
      items.push({ ...head, ...failed(400, "action_request_validation_exception", "index is missing") });
    } else if (!STORED_OPS.has(op)) {
      items.push({
        ...head,
        ...failed(
          400,
          "illegal_argument_exception",
          `[${op}] is not supported: alco keeps log records as they arrived, use index or create`,
        ),
      });
    } else {
      const mapped = mapElasticSource(source!);
      items.push({
        ...head,
        ...(mapped.ok ? { record: mapped.record, timed: mapped.timed } : failed(400, ...mapped.error)),
      });
    }
  }
  return { ok: true, items };
}

function malformed(line: number, what: string): BulkParse {
  return {
    ok: false,
    error: {
      type: "illegal_argument_exception",
      reason: `Malformed action/metadata line [${line + 1}]: ${what}`,
    },
  };
}

function failed(status: number, type: string, reason: string) {
  return { status, error: { type, reason } };
}

type MapResult =
  { ok: true; record: string; timed: boolean } | { ok: false; error: [type: string, reason: string] };

/** A document line, as the record JSON the collector takes. */
export function mapElasticSource(source: string): MapResult {
  let doc: unknown;
  try {
    doc = JSON.parse(source);
  } catch (err) {
    return {
      ok: false,
      error: ["document_parsing_exception", `failed to parse: ${(err as Error).message.slice(0, 120)}`],
    };
  }
  if (!isObject(doc)) return { ok: false, error: ["document_parsing_exception", "not a JSON object"] };
  const record = mapElasticDocument(doc);
  if (messageKeyOf(record) === undefined)
    return {
      ok: false,
      error: [
        "document_parsing_exception",
        "no message text: alco stores log lines, expected a string in message (or msg, @message, log)",
      ],
    };
  const timed = TIME_KEYS.some((k) => typeof record[k] === "string" || typeof record[k] === "number");
  return { ok: true, record: record === doc ? source : JSON.stringify(record), timed };
}

/**
 * Takes `path` (two names) out of `doc`, written either way ECS allows: dotted (`"log.level"`) or nested
 * (`{"log": {"level"}}`), the dotted key first. A nested object left empty goes too. Only non-empty strings count.
 */
function take(doc: Record<string, unknown>, parent: string, key: string): string | undefined {
  const dotted = doc[`${parent}.${key}`];
  if (typeof dotted === "string" && dotted.trim() !== "") {
    delete doc[`${parent}.${key}`];
    return dotted;
  }
  const nested = doc[parent];
  if (!isObject(nested)) return undefined;
  const v = nested[key];
  if (typeof v !== "string" || v.trim() === "") return undefined;
  const rest = { ...nested };
  delete rest[key];
  if (Object.keys(rest).length) doc[parent] = rest;
  else delete doc[parent];
  return v;
}

const hasString = (doc: Record<string, unknown>, key: string) => {
  const v = doc[key];
  return typeof v === "string" && v.trim() !== "";
};

/**
 * Only the keys the collector would not find are set, so that a document written for alco (`level`, `logger`)
 * keeps its own; a document that needs nothing is returned itself. The collector's own lists (normalize-record.ts) do the rest: `@timestamp`, `message`, pino's
 * `hostname` and `name` need nothing here.
 */
export function mapElasticDocument(source: Record<string, unknown>): Record<string, unknown> {
  const doc = { ...source };
  let changed = false;
  const set = (key: string, value: unknown) => {
    doc[key] = value;
    changed = true;
  };
  if (!hasString(doc, "level") && typeof doc.level !== "number") {
    const level = take(doc, "log", "level");
    if (level !== undefined) set("level", level);
  }
  if (!hasString(doc, "logger") && !hasString(doc, "name") && !hasString(doc, "logger_name")) {
    const logger = take(doc, "log", "logger") ?? take(doc, "service", "name");
    if (logger !== undefined) set("logger", logger);
  }
  if (!hasString(doc, "host") && !hasString(doc, "hostname")) {
    // The collector lifts `host` whole when it has a name, which would lose Beats' host.os, host.ip and the rest:
    // the name goes to `hostname`, which it lifts alone, and the rest of the object stays a field.
    const host = take(doc, "host", "name");
    if (host !== undefined) set("hostname", host);
  }
  const ts = doc["@timestamp"];
  if (typeof ts === "string" && ("@version" in doc || "levelname" in doc)) {
    // The collector reads a text @timestamp beside @version (Logstash sends one) as logcollect's wall clock in
    // LOGCOLLECT_TIMEZONE, while an ECS time is UTC or says its offset: as epoch microseconds it is read as such.
    const ms = parseTime(ts);
    if (ms !== null && ms >= 1e11) set("@timestamp", ms * 1000 + Math.floor(subMillisecondNanos(ts) / 1000));
  }
  // Unchanged, the document is stored as it was sent, byte for byte.
  return changed ? doc : source;
}

/**
 * The AMQP message id of an item: a client's own `_id`, scoped by its Elasticsearch index as an id is there, so a
 * resent item replaces itself; within the 255 bytes a message id may have.
 */
export function bulkMessageId(item: Pick<BulkItem, "esIndex" | "id" | "clientId">): string {
  if (!item.clientId) return item.id;
  const id = `es:${item.esIndex}/${item.id}`;
  return Buffer.byteLength(id) <= 200 ? id : `es:${createHash("sha256").update(id).digest("hex")}`;
}

/** How the stored items fared: all confirmed by the broker, or all refused for now because it is away. */
export type PublishOutcome = "stored" | "unavailable";

/** One item of the answer, under its action's name. */
export type BulkResponseItem = Record<
  string,
  { _index: string; _id: string; status: number; error?: ElasticError; result?: string; [k: string]: unknown }
>;

/** The bulk answer: `errors` true when any item failed, each item with its status, as Elasticsearch 8 writes it. */
export function bulkResponse(
  items: BulkItem[],
  outcome: PublishOutcome,
  tookMs: number,
): { took: number; errors: boolean; items: BulkResponseItem[] } {
  let errors = false;
  const answer = items.map((item, seq): BulkResponseItem => {
    const head = { _index: item.esIndex, _id: item.id };
    if ("error" in item) {
      errors = true;
      return { [item.op]: { ...head, status: item.status, error: item.error } };
    }
    if (outcome === "unavailable") {
      errors = true;
      return {
        [item.op]: {
          ...head,
          status: 429,
          error: {
            type: "es_rejected_execution_exception",
            reason: "the message broker is not reachable; this item was not stored, send it again",
          },
        },
      };
    }
    return {
      [item.op]: {
        ...head,
        _version: 1,
        result: "created",
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: seq,
        _primary_term: 1,
        status: 201,
      },
    };
  });
  return { took: Math.max(0, Math.round(tookMs)), errors, items: answer };
}
