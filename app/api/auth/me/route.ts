import { withApi } from "@/lib/api/with-api";
import { publicUser } from "@/lib/auth/users";

export const GET = withApi({ auth: "read" }, ({ principal }) =>
  Response.json(
    principal.kind === "user"
      ? { user: publicUser(principal.user) }
      : { token: { name: principal.token.name, scope: principal.token.scope } },
  ),
);
