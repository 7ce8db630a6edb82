import { migrate } from "drizzle-orm/node-postgres/migrator";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { getDb } from "./client";

// Beside this file in the source tree; the bundled workers (dist/workers) reach it from the repository root.
const here = path.dirname(fileURLToPath(import.meta.url));
const migrationsFolder =
  [path.join(here, "migrations"), path.resolve(here, "../../db/migrations")].find((d) => existsSync(d)) ??
  path.join(here, "migrations");

/** Applies pending migrations; idempotent. */
export async function migrateDatabase(url: string): Promise<void> {
  await migrate(getDb(url), { migrationsFolder });
}

/** Runs `fn` with a client on the server's `postgres` database, and the name of the database `url` names. */
async function withAdminClient(
  url: string,
  fn: (client: pg.Client, name: string) => Promise<void>,
): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unsupported database name ${JSON.stringify(name)}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await fn(client, name);
  } finally {
    await client.end();
  }
}

/** Creates the database named in `url` if it does not exist. */
export async function ensureDatabase(url: string): Promise<void> {
  await withAdminClient(url, async (client, name) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  });
}

/** Drops the database named in `url` (tests and benchmarks only). */
export async function dropDatabase(url: string): Promise<void> {
  await withAdminClient(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}
