import { notFound } from "next/navigation";
import { Suspense } from "react";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex, listColumns } from "@/lib/indexes/logger-indexes";
import { canReadIndex } from "@/lib/auth/authenticate";
import { env } from "@/lib/env";
import { requireUser } from "@/lib/auth/page-auth";
import { db } from "@/lib/services";
import { ReaderClient } from "./page-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ logger: string }> }) {
  const { logger } = await params;
  return { title: `${logger} · alco` };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function GrepPage({
  params,
  searchParams,
}: {
  params: Promise<{ logger: string }>;
  searchParams: SearchParams;
}) {
  const { logger } = await params;
  // The whole permalink, query included, is where sign-in brings the visitor back to.
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams))
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) query.append(k, x);
  const user = await requireUser(`/grep/${encodeURIComponent(logger)}${query.size ? `?${query}` : ""}`);
  if (!isValidIndexName(logger)) notFound();
  const index = await getIndex(db(), logger);
  // An index the user may not read looks like one that does not exist.
  if (!index || !canReadIndex({ kind: "user", user }, index.name)) notFound();
  const columns = await listColumns(db(), logger);
  const display = columns.filter((c) => c.display && c.name !== "level").map((c) => c.name);
  return (
    <Suspense>
      <ReaderClient
        logger={logger}
        title={index.title || logger}
        displayColumns={display}
        user={{ name: user.username, admin: user.role === "admin" }}
        ingest={{ routingKeys: index.routingKeys, exchange: env.AMQP_EXCHANGE }}
      />
    </Suspense>
  );
}
