"use client";

import Link from "next/link";
import { AlertBell } from "@/app/(reader)/_components/alert-bell";
import { AlertsSection } from "./_components/alerts-section";
import { IndexesSection } from "./_components/indexes-section";
import { TokensSection } from "./_components/tokens-section";
import { UsersSection, type Me } from "./_components/users-section";

export function AdminClient({ me }: { me: Me }) {
  return (
    <main className="admin">
      <header>
        <h1>
          <Link href="/">alco</Link> · admin
        </h1>
        <span className="toolbar">
          <AlertBell />
          <span className="admin-muted">signed in as {me.username}</span>
        </span>
      </header>
      <IndexesSection />
      <UsersSection me={me} />
      <TokensSection />
      <AlertsSection />
    </main>
  );
}
