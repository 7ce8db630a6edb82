import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { listIndexColumns, updateIndexColumns } from "@/lib/admin/manage-indexes";
import { updateColumnsSchema } from "@/lib/indexes/schema";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

type Params = { name: string };
const noQuery = z.object({});

export const GET = withApi<Params, typeof noQuery>(
  noQuery,
  async ({ params }) => Response.json({ columns: await listIndexColumns(db(), params.name) }),
  { auth: "admin" },
);

export const PATCH = withApi<Params, typeof noQuery, typeof updateColumnsSchema>(
  noQuery,
  async ({ params, body }) => Response.json({ columns: await updateIndexColumns(db(), params.name, body) }),
  { auth: "admin", body: updateColumnsSchema },
);
