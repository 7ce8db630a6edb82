import { requireAdminPage } from "@/lib/admin/require-admin-page";
import { databaseReachable } from "@/lib/auth/page-auth";
import { DatabaseUnavailable } from "./_components/database-unavailable";
import { AdminClient } from "./page-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin · alco" };

export default async function AdminPage() {
  if (!(await databaseReachable())) return <DatabaseUnavailable />;
  const me = await requireAdminPage("/admin");
  return <AdminClient me={{ id: me.id, username: me.username }} />;
}
