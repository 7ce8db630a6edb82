import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { clearAlert } from "@/lib/alerts/alert-rules";
import { clearAlertSchema } from "@/lib/alerts/schema";
import { idParamSchema } from "@/lib/admin/schema";
import { canReadIndex } from "@/lib/auth/authenticate";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export const POST = withApi(
  { auth: "read", params: z.object({ id: idParamSchema }), body: clearAlertSchema },
  async ({ params, body, principal }) => {
    const by = principal.kind === "user" ? principal.user.username : `token ${principal.token.name}`;
    const cleared = await clearAlert(
      db(),
      (index) => canReadIndex(principal, index),
      params.id,
      body.group,
      by,
    );
    return Response.json({ cleared });
  },
);
