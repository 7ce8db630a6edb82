/**
 * `/api/ingest/<index>/elastic/…`: alco as the Elasticsearch 8 node a shipper expects to write to. It answers the
 * bulk API, and the calls shippers make before their first bulk (the node's info, `_license`, cluster health,
 * index templates, ILM policies, ingest pipelines, `_refresh`), in Elasticsearch's shapes, every answer with the
 * `X-Elastic-Product: Elasticsearch` header the clients check. Templates and policies are acknowledged and not
 * kept: alco has no mappings to make from them.
 *
 * Errors keep Elasticsearch's shape too (`{ error: { root_cause, type, reason }, status }`), also the ones withApi
 * answers before a handler runs (a bad token, an oversized body: its `errorAnswer`), so a shipper logs a reason it
 * can show.
 */
import "server-only";
import { z } from "zod";
import type { LoggerIndex } from "@/db/schema";
import { env } from "@/lib/env";
import { requireIndex } from "@/lib/indexes/require-index";
import {
  bulkMessageId,
  bulkResponse,
  MAX_BULK_BYTES,
  parseBulk,
  type ElasticError,
  type PublishOutcome,
  type StoredItem,
} from "@/lib/ingest/elastic-bulk";
import { publishForIndex, resendSafeIds } from "@/lib/ingest/ingest-records";
import { db, withAmqpChannel } from "@/lib/services";
import { ApiError, type ErrorCode } from "./errors";
import { withApi } from "./with-api";

/** Elasticsearch 8's last minor: Beats and Logstash 8 refuse to write to a node older than themselves. */
const VERSION = "8.19.0";

const PRODUCT_HEADER = "X-Elastic-Product";

const params = z.object({ logger: z.string(), path: z.array(z.string()).optional() });

/** Elasticsearch's error types for the API's codes, so that clients see the kinds they know. */
const ERROR_TYPES: Record<ErrorCode, string> = {
  bad_request: "illegal_argument_exception",
  unauthorized: "security_exception",
  forbidden: "security_exception",
  not_found: "index_not_found_exception",
  conflict: "version_conflict_engine_exception",
  payload_too_large: "content_too_long_exception",
  rate_limited: "es_rejected_execution_exception",
  internal_error: "exception",
  unavailable: "unavailable_shards_exception",
  database_unavailable: "unavailable_shards_exception",
};

function contentType(req: Request): string {
  // Asked for the compatible-with media type (the Elastic clients are), a node answers with it.
  const accept = req.headers.get("accept") ?? "";
  const compat = /compatible-with=(\d+)/.exec(accept);
  return accept.includes("vnd.elasticsearch+json") && compat
    ? `application/vnd.elasticsearch+json;compatible-with=${compat[1]}`
    : "application/json; charset=UTF-8";
}

function answer(req: Request, body: unknown, status = 200): Response {
  return new Response(req.method === "HEAD" ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": contentType(req) },
  });
}

function errorBody(error: ElasticError, status: number) {
  return { error: { root_cause: [error], ...error }, status };
}

/** A refusal in Elasticsearch's shape, for withApi's errors (a bad token, an oversized body) as for the handler's. */
function errorAnswer(err: ApiError, req: Request): Response {
  const res = answer(
    req,
    errorBody({ type: ERROR_TYPES[err.code], reason: err.message }, err.status),
    err.status,
  );
  // Basic as well: shippers that can send only a user and a password (Fluent Bit) sign in with it.
  if (err.status === 401) res.headers.set("WWW-Authenticate", 'Basic realm="alco", Bearer realm="alco"');
  return res;
}

function nodeInfo() {
  return {
    name: "alco",
    cluster_name: "alco",
    cluster_uuid: "alco",
    version: {
      number: VERSION,
      build_flavor: "default",
      build_type: "alco",
      build_hash: "alco",
      build_date: "2025-01-01T00:00:00.000Z",
      build_snapshot: false,
      lucene_version: "9.12.0",
      minimum_wire_compatibility_version: "7.17.0",
      minimum_index_compatibility_version: "7.0.0",
    },
    tagline: "You Know, for Search",
  };
}

function license() {
  return {
    license: {
      status: "active",
      uid: "alco",
      type: "basic",
      issue_date: "2025-01-01T00:00:00.000Z",
      issue_date_in_millis: 1735689600000,
      max_nodes: 1000,
      max_resource_units: null,
      issued_to: "alco",
      issuer: "elasticsearch",
      start_date_in_millis: -1,
    },
  };
}

function clusterHealth() {
  return {
    cluster_name: "alco",
    status: "green",
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
    active_primary_shards: 1,
    active_shards: 1,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  };
}

/** The set-up calls shippers make (Beats, Logstash): acknowledged on write, and none there when asked. */
const SETUP_APIS = new Set([
  "_index_template",
  "_template",
  "_component_template",
  "_ilm",
  "_ingest",
  "_data_stream",
]);

const ACCEPTED_TYPES = ["application/x-ndjson", "application/vnd.elasticsearch+x-ndjson", "application/json"];

/** The bulk body as text; withApi's raw body has already been inflated as its Content-Encoding says. */
function bulkText(req: Request, bytes: Buffer): string {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type && !ACCEPTED_TYPES.includes(type))
    throw new ApiError(
      "bad_request",
      `Content-Type header [${type}] is not supported; send application/x-ndjson`,
    );
  return bytes.toString("utf8");
}

async function bulk(req: Request, index: LoggerIndex, urlIndex: string | undefined, body: Buffer) {
  const started = performance.now();
  const parsed = parseBulk(bulkText(req, body), urlIndex);
  if (!parsed.ok) return answer(req, errorBody(parsed.error, 400), 400);
  if (parsed.items.length === 0)
    return answer(
      req,
      errorBody(
        { type: "action_request_validation_exception", reason: "Validation Failed: 1: no requests added;" },
        400,
      ),
      400,
    );
  const stored = parsed.items.filter((i): i is StoredItem => "record" in i);
  // A timed record sent again (a lost answer, a 429 after all) is the same line: ids from its text replace it.
  const derived = resendSafeIds(
    index.name,
    stored.map((i) => i.record),
  );
  stored.forEach((item, k) => {
    if (!item.clientId && item.timed) item.id = derived[k]!;
  });
  let outcome: PublishOutcome = "stored";
  if (stored.length) {
    outcome = await withAmqpChannel(
      (ch) =>
        publishForIndex(
          ch,
          env.AMQP_EXCHANGE,
          index,
          stored.map((i) => i.record),
          stored.map(bulkMessageId),
        ),
      { confirm: true },
    ).then(
      () => "stored" as const,
      (err: Error) => {
        console.error(`elastic bulk to ${index.name}: ${err.message}`);
        return "unavailable" as const;
      },
    );
  }
  return answer(req, bulkResponse(parsed.items, outcome, performance.now() - started));
}

const shards = { _shards: { total: 1, successful: 1, failed: 0 } };

/** What a path under `elastic/` asks for; null when alco has no such API. */
async function route(req: Request, index: LoggerIndex, path: string[], body: () => Promise<Buffer>) {
  const method = req.method;
  const [first, second] = path;
  const last = path[path.length - 1];
  const write = method === "POST" || method === "PUT";
  if (path.length === 0 && (method === "GET" || method === "HEAD")) return answer(req, nodeInfo());
  if (last === "_bulk" && write && path.length <= 2)
    return bulk(req, index, path.length === 2 ? first : undefined, await body());
  if (first === "_license" && path.length === 1 && method === "GET") return answer(req, license());
  if (first === "_xpack" && method === "GET")
    return answer(req, { build: {}, license: license().license, features: {} });
  if (first === "_cluster" && second === "health" && method === "GET") return answer(req, clusterHealth());
  if ((last === "_refresh" || last === "_flush") && path.length <= 2 && (write || method === "GET"))
    return answer(req, shards);
  if (first && SETUP_APIS.has(first)) {
    if (write) return answer(req, { acknowledged: true });
    const error = { type: "resource_not_found_exception", reason: `alco keeps no ${first.slice(1)}` };
    return answer(req, errorBody(error, 404), 404);
  }
  return null;
}

/** The route's handler for one method; the catch-all route exports it under every method shippers use. */
export function elasticHandler() {
  const inner = withApi(
    { auth: "ingest", params, body: "raw", maxBodyBytes: MAX_BULK_BYTES, errorAnswer },
    async ({ req, params: p, body }) => {
      const path = p.path ?? [];
      // Every call, the node's info too: a shipper given a wrong index hears so when it starts, not at its first bulk.
      const index = await requireIndex(db(), p.logger);
      const res = await route(req, index, path, () => body.bytes());
      if (res) return res;
      const reason = `alco answers the bulk API and shippers' start-up calls, not ${req.method} /${path.join("/")}`;
      return answer(req, errorBody({ type: "illegal_argument_exception", reason }, 400), 400);
    },
  );
  // Every answer, refusals included: the clients check the header before they look at the status.
  return async (req: Request, ctx: { params: Promise<{ logger: string; path?: string[] }> }) => {
    const res = await inner(req, ctx);
    res.headers.set(PRODUCT_HEADER, "Elasticsearch");
    return res;
  };
}
