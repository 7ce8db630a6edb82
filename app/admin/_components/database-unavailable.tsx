import Link from "next/link";

/** What the admin pages show while PostgreSQL, where everything they manage lives, is unreachable. */
export function DatabaseUnavailable() {
  return (
    <main className="home">
      <h1>Admin is unavailable</h1>
      <p role="alert" data-testid="database-unavailable">
        alco&apos;s metadata database (PostgreSQL) is unavailable right now, so indexes, users and API tokens
        cannot be shown or changed. Searching the logs still works for indexes already in use. Reload this
        page in a moment.
      </p>
      <p>
        <Link href="/">Back to the logs</Link>
      </p>
    </main>
  );
}
