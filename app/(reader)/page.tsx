import Link from "next/link";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { canReadIndex } from "@/lib/auth/authenticate";
import { requireUser } from "@/lib/auth/page-auth";
import { db, searchEngine } from "@/lib/services";
import { UserBar } from "./_components/user-bar";

export const dynamic = "force-dynamic";

/** The logger indexes, busiest first by what arrived in the last five minutes. */
export default async function Home() {
  const user = await requireUser("/");
  const indexes = (await listIndexVolumes(db(), searchEngine())).filter((i) =>
    canReadIndex({ kind: "user", user }, i.name),
  );
  indexes.sort((a, b) => b.last5m - a.last5m || a.name.localeCompare(b.name));
  return (
    <main className="home">
      <h1>alco</h1>
      <UserBar name={user.username} admin={user.role === "admin"} />
      {indexes.length === 0 ? (
        <p>No logger indexes yet.</p>
      ) : (
        <table data-testid="indexes">
          <thead>
            <tr>
              <th>logger</th>
              <th>retention</th>
              <th className="num">lines, last 5 min</th>
            </tr>
          </thead>
          <tbody>
            {indexes.map((i) => (
              <tr key={i.name}>
                <td>
                  <Link href={`/grep/${i.name}`}>{i.title || i.name}</Link>{" "}
                  <small>{i.title && i.title !== i.name ? i.name : ""}</small>
                </td>
                <td>{i.retentionDays} days</td>
                <td className="num">{i.last5m.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
