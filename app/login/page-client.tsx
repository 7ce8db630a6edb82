"use client";

import { useSearchParams } from "next/navigation";
import { useState } from "react";

/** Only same-site paths are followed after sign-in, never another origin. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginForm() {
  const next = safeNext(useSearchParams().get("next"));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setBusy(true);
        setError(null);
        fetch("/api/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
        })
          .then(async (res) => {
            if (res.ok) return window.location.assign(next);
            const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
            setError(body?.error?.message ?? `sign-in failed (${res.status})`);
          })
          .catch(() => setError("the server did not answer"))
          .finally(() => setBusy(false));
      }}
      style={{ display: "grid", gap: 8 }}
    >
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
