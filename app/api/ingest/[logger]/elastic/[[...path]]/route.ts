import { elasticHandler } from "@/lib/api/elastic-api";

export const dynamic = "force-dynamic";

/**
 * `/api/ingest/<index>/elastic/…`: the Elasticsearch bulk API and the calls shippers make around it, behind an
 * ingest token (docs/API.md "Elasticsearch bulk").
 */
const handler = elasticHandler();

export const GET = handler;
export const HEAD = handler;
export const POST = handler;
export const PUT = handler;
