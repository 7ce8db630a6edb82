import Link from "next/link";
import { listIndexVolumes } from "@/lib/indexes/index-volume";
import { db, searchEngine } from "@/lib/services";

export const dynamic = "force-dynamic";

/** The logger indexes, busiest first by what arrived in the last five minutes. */
export default async function Home() {
  const indexes = await listIndexVolumes(db(), searchEngine());
  indexes.sort((a, b) => b.last5m - a.last5m || a.name.localeCompare(b.name));
  return (
    <main className="home">
      <h1>alco</h1>
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
