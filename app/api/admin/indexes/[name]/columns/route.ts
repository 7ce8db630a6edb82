import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { listIndexColumns, updateIndexColumns } from "@/lib/admin/manage-indexes";
import { updateColumnsSchema } from "@/lib/indexes/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

const indexParams = z.object({ name: z.string() });

export const GET = withApi({ auth: "admin", params: indexParams }, async ({ params }) =>
  Response.json({ columns: await listIndexColumns(db(), params.name) }),
);

export const PATCH = withApi(
  { auth: "admin", params: indexParams, body: updateColumnsSchema },
  async ({ params, body }) => Response.json({ columns: await updateIndexColumns(db(), params.name, body) }),
);
