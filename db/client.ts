import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

/**
 * How long taking a connection may wait, for a new one or for a free one. Without it a request made while
 * PostgreSQL is unreachable (packets dropped rather than refused) waits for the kernel's TCP timeout, minutes.
 */
const CONNECT_TIMEOUT_MS = 3_000;

// One pool per process and URL: route handlers, workers and tests all come through here.
const clients = new Map<string, Db>();

export function getDb(url: string): Db {
  let db = clients.get(url);
  if (!db) {
    const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle client losing its connection emits on the pool; without a handler Node exits.
    pool.on("error", (err) => console.error(`postgres pool: ${err.message}`));
    markConnectFailures(pool);
    db = drizzle(pool, { schema });
    clients.set(url, db);
  }
  return db;
}

export async function closeDb(url: string): Promise<void> {
  const db = clients.get(url);
  clients.delete(url);
  await db?.$client.end();
}

const UNREACHABLE = Symbol.for("alco.postgresUnreachable");

type PoolConnectCallback = (err: Error | undefined, client: pg.PoolClient, release: () => void) => void;

/**
 * A failed connect says ECONNREFUSED or ETIMEDOUT like any socket, the search engine's too: marked here, where it
 * is known to be PostgreSQL's, so that callers can tell "the metadata database is down" from "searchd is down".
 * `pool.query` connects through `pool.connect`, so this covers both.
 */
function markConnectFailures(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (cb?: PoolConnectCallback) => Promise<pg.PoolClient> | undefined;
  const mark = (err: unknown) => {
    if (err !== null && typeof err === "object")
      Object.defineProperty(err, UNREACHABLE, { value: true, enumerable: false });
    return err;
  };
  (pool as { connect: unknown }).connect = (cb?: PoolConnectCallback) =>
    cb
      ? connect((err, client, release) => cb(err ? (mark(err) as Error) : err, client, release))
      : connect()!.catch((err: unknown) => Promise.reject(mark(err) as Error));
}

/** SQLSTATE of a server that is going away or not taking connections: class 08, shutdowns, too many clients. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P01|57P02|57P03|53300)$/;
/** node-postgres' own words for a connection that broke under a query. */
const BROKEN_CONNECTION = /^(Connection terminated|Client has encountered a connection error)/;

/**
 * Whether an error means PostgreSQL could not be reached or went away (as opposed to a query it refused). Looks
 * through the causes: drizzle wraps the driver's error in its own.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    const x = e as {
      [UNREACHABLE]?: boolean;
      code?: unknown;
      severity?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (x[UNREACHABLE]) return true;
    if (typeof x.severity === "string" && typeof x.code === "string" && UNAVAILABLE_SQLSTATE.test(x.code))
      return true;
    if (typeof x.message === "string" && BROKEN_CONNECTION.test(x.message)) return true;
    e = x.cause;
  }
  return false;
}
