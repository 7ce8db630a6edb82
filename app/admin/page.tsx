import { requireAdminPage } from "@/lib/admin/require-admin-page";
import { AdminClient } from "./page-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Admin · alco" };

export default async function AdminPage() {
  const me = await requireAdminPage("/admin");
  return <AdminClient me={{ id: me.id, username: me.username }} />;
}
