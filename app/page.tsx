import Link from "next/link";
import { listIndexes } from "@/lib/indexes/logger-indexes";
import { db } from "@/lib/services";

export const dynamic = "force-dynamic";

export default async function Home() {
  const indexes = await listIndexes(db());
  return (
    <main style={{ padding: 24 }}>
      <h1>alco</h1>
      <ul>
        {indexes.map((i) => (
          <li key={i.name}>
            <Link href={`/api/grep/${i.name}`}>{i.title || i.name}</Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
