/**
 * The connection to searchd. SphinxQL speaks the MySQL protocol, but not all of it: no prepared statements
 * (`execute`), so every statement is rendered by the dialect module and sent with `query`.
 */
import mysql from "mysql2/promise";
import { detectFlavor, SHOW_TABLES_SQL, VERSION_SQL, type EngineFlavor } from "./sphinxql-dialect";

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

export function createEngine(address: EngineAddress, opts: { connections?: number } = {}): Engine {
  const pool = mysql.createPool({
    host: address.host,
    port: address.port,
    // Without it emoji read back broken (DESIGN.md).
    charset: "UTF8_GENERAL_CI",
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

  const query = async <T,>(sql: string): Promise<T[]> => {
    const [rows] = await pool.query(sql);
    return Array.isArray(rows) ? (rows as T[]) : [];
  };

  return {
    flavor: () => {
      flavor ??= query<{ Value: string }>(VERSION_SQL).then(
        (r) => detectFlavor(r[0]?.Value ?? ""),
        (err: unknown) => {
          flavor = null;
          throw err;
        },
      );
      return flavor;
    },
    query,
    queryMulti: async (sql) => {
      const [results] = await pool.query(sql);
      return results as unknown as Record<string, unknown>[][];
    },
    tables: async () => {
      const rows = await query<{ Index: string }>(SHOW_TABLES_SQL);
      return new Set(rows.map((r) => r.Index));
    },
    close: () => pool.end(),
  };
}
