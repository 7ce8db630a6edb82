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
