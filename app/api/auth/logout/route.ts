import { clientFacts } from "@/lib/auth/client-address";
import { withApi } from "@/lib/api/with-api";
import { readCookie } from "@/lib/auth/authenticate";
import { SESSION_COOKIE, deleteSession, sessionCookie } from "@/lib/auth/sessions";
import { db } from "@/lib/services";

export const POST = withApi({ auth: "read" }, async ({ req }) => {
  const token = readCookie(req.headers.get("cookie"), SESSION_COOKIE);
  if (token) await deleteSession(db(), token);
  return new Response(null, {
    status: 204,
    headers: { "set-cookie": sessionCookie("", clientFacts(req).https, 0) },
  });
});
