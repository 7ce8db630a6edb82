import { boolean, integer, pgTable, primaryKey, serial, text, timestamp } from "drizzle-orm/pg-core";

/** A logger index: one RabbitMQ queue in, one family of daily engine tables out. */
export const loggerIndexes = pgTable("logger_indexes", {
  name: text("name").primaryKey(),
  title: text("title").notNull().default(""),
  retentionDays: integer("retention_days").notNull().default(7),
  routingKeys: text("routing_keys").array().notNull(),
  queueName: text("queue_name").notNull().unique(),
  durable: boolean("durable").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A field seen in an index's records; registered by the collector the first time it appears. */
export const loggerColumns = pgTable(
  "logger_columns",
  {
    indexName: text("index_name")
      .notNull()
      .references(() => loggerIndexes.name, { onDelete: "cascade", onUpdate: "cascade" }),
    name: text("name").notNull(),
    filtered: boolean("filtered").notNull().default(false),
    display: boolean("display").notNull().default(false),
    excluded: boolean("excluded").notNull().default(false),
    context: boolean("context").notNull().default(false),
    indexed: boolean("indexed").notNull().default(false),
    firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.indexName, t.name] })],
);

/** ALCO's shortcuts: a name for a reader URL. */
export const savedSearches = pgTable("saved_searches", {
  id: serial("id").primaryKey(),
  indexName: text("index_name")
    .notNull()
    .references(() => loggerIndexes.name, { onDelete: "cascade", onUpdate: "cascade" }),
  name: text("name").notNull(),
  url: text("url").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type LoggerIndex = typeof loggerIndexes.$inferSelect;
export type LoggerColumn = typeof loggerColumns.$inferSelect;
export type SavedSearch = typeof savedSearches.$inferSelect;

/** People who sign in. Viewers read `/grep/*` (all indexes, or only `allowedIndexes`); admins also reach `/admin`. */
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  username: text("username").notNull().unique(),
  /** scrypt: `scrypt$N$r$p$salt$hash`, base64 parts. Never the password. */
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "viewer"] })
    .notNull()
    .default("viewer"),
  /** null: every index. */
  allowedIndexes: text("allowed_indexes").array(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A signed-in browser. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable("sessions", {
  tokenHash: text("token_hash").primaryKey(),
  userId: integer("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Bearer tokens for scripts and agents: `read` (query, stream, hosts API) or `ingest` (HTTP ingest). */
export const apiTokens = pgTable("api_tokens", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  /** The first characters of the token, to tell tokens apart in lists. */
  prefix: text("prefix").notNull(),
  scope: text("scope", { enum: ["read", "ingest"] }).notNull(),
  createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export type User = typeof users.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
