CREATE TABLE "logger_columns" (
	"index_name" text NOT NULL,
	"name" text NOT NULL,
	"filtered" boolean DEFAULT false NOT NULL,
	"display" boolean DEFAULT false NOT NULL,
	"excluded" boolean DEFAULT false NOT NULL,
	"context" boolean DEFAULT false NOT NULL,
	"indexed" boolean DEFAULT false NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logger_columns_index_name_name_pk" PRIMARY KEY("index_name","name")
);
--> statement-breakpoint
CREATE TABLE "logger_indexes" (
	"name" text PRIMARY KEY NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"retention_days" integer DEFAULT 7 NOT NULL,
	"routing_keys" text[] NOT NULL,
	"queue_name" text NOT NULL,
	"durable" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "logger_indexes_queue_name_unique" UNIQUE("queue_name")
);
--> statement-breakpoint
CREATE TABLE "saved_searches" (
	"id" serial PRIMARY KEY NOT NULL,
	"index_name" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "logger_columns" ADD CONSTRAINT "logger_columns_index_name_logger_indexes_name_fk" FOREIGN KEY ("index_name") REFERENCES "public"."logger_indexes"("name") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "saved_searches" ADD CONSTRAINT "saved_searches_index_name_logger_indexes_name_fk" FOREIGN KEY ("index_name") REFERENCES "public"."logger_indexes"("name") ON DELETE cascade ON UPDATE cascade;