import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

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

/**
 * A rule the alert evaluator (workers/alerts.ts) checks every `everySeconds`: how many records of `indexName`
 * match `query` over the last `windowSeconds`, per value of `groupBy` when set, against the condition.
 */
export const alertRules = pgTable("alert_rules", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  indexName: text("index_name")
    .notNull()
    .references(() => loggerIndexes.name, { onDelete: "cascade", onUpdate: "cascade" }),
  query: text("query").notNull().default(""),
  windowSeconds: integer("window_seconds").notNull(),
  conditionOp: text("condition_op", { enum: ["gt", "lt", "change"] }).notNull(),
  conditionValue: doublePrecision("condition_value").notNull(),
  groupBy: text("group_by"),
  webhookUrl: text("webhook_url"),
  everySeconds: integer("every_seconds").notNull().default(30),
  enabled: boolean("enabled").notNull().default(true),
  /** When an evaluator last evaluated the rule: the replicas' shared clock for "is it due". */
  evaluatedAt: timestamp("evaluated_at", { withTimezone: true }),
  /** Why the last evaluation failed (the engine away, a query it refused); null after one that succeeded. */
  lastError: text("last_error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One group of a rule (`""` for a rule without groupBy) that fires or has fired; cleared by a person. */
export const alertStates = pgTable(
  "alert_states",
  {
    ruleId: integer("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    groupKey: text("group_key").notNull(),
    status: text("status", { enum: ["firing", "resolved"] }).notNull(),
    firingSince: timestamp("firing_since", { withTimezone: true }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    /** The count (or percent change) of the last evaluation, and the window it was counted over. */
    lastValue: doublePrecision("last_value").notNull(),
    windowFrom: timestamp("window_from", { withTimezone: true }).notNull(),
    windowTo: timestamp("window_to", { withTimezone: true }).notNull(),
    clearedAt: timestamp("cleared_at", { withTimezone: true }),
    clearedBy: text("cleared_by"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.groupKey] })],
);

/**
 * The outbox of webhook events: written in the same transaction as the state change that causes it, so an
 * evaluator killed mid-evaluation leaves either both or neither; a sender takes a row under a lease.
 */
export const alertNotifications = pgTable(
  "alert_notifications",
  {
    id: serial("id").primaryKey(),
    ruleId: integer("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    groupKey: text("group_key").notNull(),
    event: text("event", { enum: ["firing", "resolved"] }).notNull(),
    url: text("url").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("alert_notifications_due").on(t.status, t.nextAttemptAt)],
);

export type AlertRule = typeof alertRules.$inferSelect;
export type AlertState = typeof alertStates.$inferSelect;
export type AlertNotification = typeof alertNotifications.$inferSelect;
