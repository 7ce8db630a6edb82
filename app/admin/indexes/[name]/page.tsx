import { notFound } from "next/navigation";
import { isValidIndexName } from "@/lib/engine/sphinxql-dialect";
import { requireAdminPage } from "@/lib/admin/require-admin-page";
import { databaseReachable } from "@/lib/auth/page-auth";
import { getIndex } from "@/lib/indexes/logger-indexes";
import { db } from "@/lib/services";
import { DatabaseUnavailable } from "@/app/admin/_components/database-unavailable";
import { IndexAdminClient } from "./page-client";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  return { title: `${name} · admin · alco` };
}

export default async function IndexAdminPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  if (!(await databaseReachable())) return <DatabaseUnavailable />;
  await requireAdminPage(`/admin/indexes/${name}`);
  if (!isValidIndexName(name) || !(await getIndex(db(), name))) notFound();
  return <IndexAdminClient name={name} />;
}
