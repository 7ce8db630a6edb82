import { z } from "zod";
import { withApi } from "@/lib/api/with-api";
import { assertSameOrigin } from "@/lib/auth/authenticate";
import { loginSchema } from "@/lib/auth/schema";
import { sessionCookie } from "@/lib/auth/sessions";
import { clientAddress, isHttps, signIn } from "@/lib/auth/sign-in";
import { env } from "@/lib/env";
import { db, redis } from "@/lib/services";

export const POST = withApi(
  z.object({}),
  async ({ req, body }) => {
    // Refuses a sign-in form posted from another site (login CSRF); scripts without an Origin may sign in.
    if (req.headers.get("origin")) assertSameOrigin(req);
    const { token, user } = await signIn(
      { db: db(), redis: redis(), redisPrefix: env.REDIS_PREFIX },
      clientAddress(req),
      body.username,
      body.password,
    );
    return Response.json({ user }, { headers: { "set-cookie": sessionCookie(token, isHttps(req)) } });
  },
  { auth: "public", body: loginSchema },
);
