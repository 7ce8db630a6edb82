import { notFound } from "next/navigation";
import { Suspense } from "react";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { getIndex, listColumns } from "@/lib/indexes/logger-indexes";
import { canReadIndex } from "@/lib/auth/authenticate";
import { requireUser } from "@/lib/auth/page-auth";
import { db } from "@/lib/services";
import { ReaderClient } from "./page-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ logger: string }> }) {
  const { logger } = await params;
  return { title: `${logger} · alco` };
}

export default async function GrepPage({ params }: { params: Promise<{ logger: string }> }) {
  const { logger } = await params;
  const user = await requireUser(`/grep/${encodeURIComponent(logger)}`);
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
      />
    </Suspense>
  );
}
