import Link from "next/link";

export const metadata = { title: "Nothing here · alco" };

/** Any page that does not exist, or a logger index this user may not read (it looks the same, on purpose). */
export default function NotFound() {
  return (
    <main className="home">
      <h1>Nothing here</h1>
      <p>No page at this address, or no logger you may read by this name.</p>
      <p>
        <Link href="/">Back to the list of loggers</Link>
      </p>
    </main>
  );
}
