import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

// One pool per process and URL: route handlers, workers and tests all come through here.
const clients = new Map<string, Db>();

export function getDb(url: string): Db {
  let db = clients.get(url);
  if (!db) {
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    // An idle client losing its connection emits on the pool; without a handler Node exits.
    pool.on("error", (err) => console.error(`postgres pool: ${err.message}`));
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
