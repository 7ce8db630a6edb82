/**
 * The connection to searchd. SphinxQL speaks the MySQL protocol, but not all of it: no prepared statements
 * (`execute`), so every statement is rendered by the dialect module and sent with `query`.
 */
import mysql, { type PoolConnection, type TypeCast } from "mysql2/promise";
import {
  flavorFromServer,
  SHOW_TABLES_SQL,
  tableNamesFromShowTables,
  VERSION_SQL,
  type EngineFlavor,
} from "./sphinxql-dialect";

export type EngineAddress = { host: string; port: number };

export type Engine = {
  flavor: () => Promise<EngineFlavor>;
  query: <T = Record<string, unknown>>(sql: string) => Promise<T[]>;
  /** Several statements in one round trip (e.g. `SELECT …; SHOW META`): one result set each. */
  queryMulti: (sql: string) => Promise<Record<string, unknown>[][]>;
  tables: () => Promise<Set<string>>;
  close: () => Promise<void>;
};

/** Parses `host:port` or `mysql://host:port`. */
export function parseEngineAddress(url: string): EngineAddress {
  const m = /^(?:mysql:\/\/)?([^:/]+):(\d+)\/?$/.exec(url.trim());
  if (!m) throw new Error(`invalid searchd address ${JSON.stringify(url)}: expected host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * searchd reports its strings as 3-byte `utf8`, so mysql2 would decode them as CESU-8 and break emoji written as
 * real UTF-8. Statements go out as UTF-8 (utf8mb4, Node's native encoder) and strings are decoded as UTF-8 here,
 * so the engine holds real UTF-8, as Manticore expects.
 */
const decodeUtf8: TypeCast = (field, next) => {
  if (field.type === "VAR_STRING" || field.type === "STRING" || field.type === "BLOB") {
    return field.buffer()?.toString("utf8") ?? null;
  }
  return next();
};

/**
 * The server version the MySQL handshake announced. mysql2 keeps the handshake on the connection without a public
 * accessor, so this reads it defensively: a mysql2 that moved it gives null, and flavorFromServer relies on
 * SHOW STATUS alone.
 */
function serverVersionOf(conn: PoolConnection): string | null {
  const core = (conn as unknown as { connection?: { _handshakePacket?: { serverVersion?: unknown } } })
    .connection;
  const version = core?._handshakePacket?.serverVersion;
  return typeof version === "string" ? version : null;
}

export type EngineOptions = {
  connections?: number;
  /**
   * Longest a statement waits for its answer. A frozen searchd (SIGSTOP, a wedged host) accepts connections and
   * never answers, so without a bound every request that reaches it hangs; with one it fails as a transient
   * engine error (the API's 503). Reads are interactive, hence the short default; bulk writes pass their own.
   */
  queryTimeoutMs?: number;
};

const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

export function createEngine(address: EngineAddress, opts: EngineOptions = {}): Engine {
  const pool = mysql.createPool({
    host: address.host,
    port: address.port,
    charset: "UTF8MB4_GENERAL_CI",
    typeCast: decodeUtf8,
    // Statements arrive fully rendered by the dialect module; mysql2 would otherwise scan every one of them
    // (megabytes per bulk REPLACE) for `?` placeholders.
    queryFormat: (sql: string) => sql,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: true,
    connectionLimit: opts.connections ?? 4,
    maxIdle: opts.connections ?? 4,
    idleTimeout: 60_000,
    connectTimeout: 5_000,
    enableKeepAlive: true,
  });
  let flavor: Promise<EngineFlavor> | null = null;

  const timeout = opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const run = async (sql: string, onConnection?: (conn: PoolConnection) => void): Promise<unknown> => {
    const conn = await pool.getConnection();
    try {
      onConnection?.(conn);
      const [result] = await conn.query({ sql, timeout });
      conn.release();
      return result;
    } catch (err) {
      // Only an error answered by the server leaves the connection clean. After a timeout the late answer would
      // still arrive on it (and the pool would count it busy until then), so it is dropped instead.
      if (typeof (err as { sqlMessage?: unknown }).sqlMessage === "string") conn.release();
      else conn.destroy();
      throw err;
    }
  };

  const query = async <T>(sql: string): Promise<T[]> => {
    const rows = await run(sql);
    return Array.isArray(rows) ? (rows as T[]) : [];
  };

  return {
    flavor: () => {
      let handshakeVersion: string | null = null;
      flavor ??= run(VERSION_SQL, (conn) => (handshakeVersion = serverVersionOf(conn))).then(
        (rows) =>
          flavorFromServer({
            statusRows: Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [],
            handshakeVersion,
          }),
        (err: unknown) => {
          flavor = null;
          throw err;
        },
      );
      return flavor;
    },
    query,
    queryMulti: async (sql) => (await run(sql)) as Record<string, unknown>[][],
    tables: async () => tableNamesFromShowTables(await query(SHOW_TABLES_SQL)),
    close: () => pool.end(),
  };
}
