"use client";

import { useState } from "react";
import { ApiFailure, apiFetch } from "@/lib/client/api-fetch";
import { safeNext } from "@/lib/auth/safe-next";

/**
 * A real POST form: before this script runs (slow network, scripts off) the browser submits it to the sign-in
 * route, which answers with a redirect; once it runs, it signs in with fetch and shows errors in place.
 */
export function LoginForm({ next, initialError }: { next: string; initialError: string | null }) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  return (
    <form
      method="post"
      action="/api/auth/login"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setBusy(true);
        setError(null);
        apiFetch("/api/auth/login", {
          method: "POST",
          body: { username: form.get("username"), password: form.get("password") },
          failureMessage: (status) => `sign-in failed (${status})`,
        })
          .then(() => window.location.assign(safeNext(next, window.location.origin)))
          .catch((err: unknown) =>
            setError(err instanceof ApiFailure ? err.message : "the server did not answer"),
          )
          .finally(() => setBusy(false));
      }}
      style={{ display: "grid", gap: 8 }}
    >
      <input type="hidden" name="next" value={next} />
      <label>
        Username
        <input name="username" autoComplete="username" required autoFocus style={{ width: "100%" }} />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          style={{ width: "100%" }}
        />
      </label>
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      {error && (
        <div role="alert" style={{ color: "var(--error)" }}>
          {error}
        </div>
      )}
    </form>
  );
}
