"use client";

import Link from "next/link";
import { AlertBell } from "./alert-bell";

/** The alerts' bell, who is signed in, the way to /admin for admins, and sign-out. */
export function UserBar({ name, admin }: { name: string; admin: boolean }) {
  return (
    <span className="toolbar" data-testid="user-bar">
      <AlertBell />
      <span>
        signed in as <strong>{name}</strong>
      </span>
      {admin && <Link href="/admin">Admin</Link>}
      <button
        onClick={() => {
          void fetch("/api/auth/logout", { method: "POST" }).finally(() => window.location.assign("/login"));
        }}
      >
        Sign out
      </button>
    </span>
  );
}
