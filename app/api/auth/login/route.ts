import { clientFacts } from "@/lib/auth/client-address";
import { readFormBody, readJsonBody } from "@/lib/api/read-body";
import { withApi } from "@/lib/api/with-api";
import { toApiError } from "@/lib/api/errors";
import { assertSameOrigin } from "@/lib/auth/authenticate";
import { safeNext } from "@/lib/auth/safe-next";
import { loginSchema } from "@/lib/auth/schema";
import { sessionCookie } from "@/lib/auth/sessions";
import { signIn } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";
import { db, redis } from "@/lib/services";

/**
 * Signs in from the page's script (JSON in, JSON out) or from the HTML form itself (POSTed fields in, a 303 to
 * `next` or back to the form out), so that a form submitted before its script has loaded, or with scripts off,
 * still signs in and never puts the password in a URL. The body's format decides how it is read, so the route
 * reads it itself.
 */
export const POST = withApi({ auth: "public" }, async ({ req }) => {
  // Refuses a sign-in posted from another site (login CSRF); scripts without an Origin may sign in.
  if (req.headers.get("origin")) assertSameOrigin(req);
  const facts = clientFacts(req);
  const form = (req.headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded");
  if (!form) {
    const body = loginSchema.parse(await readJsonBody(req));
    const { token, user } = await signIn(deps(), facts.client, body.username, body.password);
    return Response.json({ user }, { headers: { "set-cookie": sessionCookie(token, facts.https) } });
  }
  const fields = await readFormBody(req);
  const next = safeNext(fields.next);
  try {
    const body = loginSchema.parse(fields);
    const { token } = await signIn(deps(), facts.client, body.username, body.password);
    return seeOther(next, { "set-cookie": sessionCookie(token, facts.https) });
  } catch (err) {
    return seeOther(`/login?${new URLSearchParams({ error: toApiError(err).code, next })}`);
  }
});

const deps = () => ({ db: db(), redis: redis(), redisPrefix: env.REDIS_PREFIX });

function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, ...headers } });
}
