import { safeNext } from "@/lib/auth/safe-next";
import { LoginForm } from "./page-client";

export const metadata = { title: "Sign in · alco" };

/** What the form's own POST (scripts off, or not loaded yet) comes back with when sign-in failed. */
const FORM_ERRORS: Record<string, string> = {
  unauthorized: "wrong username or password",
  rate_limited: "too many failed sign-ins from this address; try again in a few minutes",
  forbidden: "sign in from alco's own page",
  bad_request: "enter a username and a password",
  database_unavailable: "alco cannot reach its database right now; try again in a moment",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const error = one(sp.error);
  return (
    <main className="home" style={{ maxWidth: 360 }}>
      <h1>alco</h1>
      <LoginForm
        next={safeNext(one(sp.next))}
        initialError={error ? (FORM_ERRORS[error] ?? "sign-in failed") : null}
      />
    </main>
  );
}
