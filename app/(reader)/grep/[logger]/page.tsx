import { notFound } from "next/navigation";
import { Suspense } from "react";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex, listColumns } from "@/lib/indexes/logger-indexes";
import { db } from "@/lib/services";
import { ReaderClient } from "./page-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ logger: string }> }) {
  const { logger } = await params;
  return { title: `${logger} · alco` };
}

export default async function GrepPage({ params }: { params: Promise<{ logger: string }> }) {
  const { logger } = await params;
  if (!isValidIndexName(logger)) notFound();
  const index = await getIndex(db(), logger);
  if (!index) notFound();
  const columns = await listColumns(db(), logger);
  const display = columns.filter((c) => c.display && c.name !== "level").map((c) => c.name);
  return (
    <Suspense>
      <ReaderClient logger={logger} title={index.title || logger} displayColumns={display} />
    </Suspense>
  );
}
