import Link from "next/link";

/** What a signed-in non-admin sees on /admin (with HTTP 403): nothing of the admin pages. */
export default function AdminForbidden() {
  return (
    <main className="home">
      <h1>Admins only</h1>
      <p data-testid="forbidden">
        These pages are for admins. Ask an admin if you need an index, a login or an API token.
      </p>
      <p>
        <Link href="/">Back to the logs</Link>
      </p>
    </main>
  );
}
