"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { createSavedSearch, fetchSavedSearches } from "@/lib/reader/api-client";

/** ALCO's shortcuts: a name for the current view's URL, and a list to go back to one. */
export function SavedSearches({ logger }: { logger: string }) {
  const router = useRouter();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["saved", logger],
    queryFn: ({ signal }) => fetchSavedSearches(logger, signal),
  });
  const save = useMutation({
    mutationFn: (name: string) =>
      createSavedSearch({ indexName: logger, name, url: `${location.pathname}${location.search}` }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["saved", logger] }),
  });
  return (
    <>
      <select
        aria-label="saved searches"
        value=""
        onChange={(e) => {
          if (e.target.value) router.push(e.target.value);
        }}
      >
        <option value="">saved searches…</option>
        {list.data?.savedSearches.map((s) => (
          <option key={s.id} value={s.url}>
            {s.name}
          </option>
        ))}
      </select>
      <button
        onClick={() => {
          const name = window.prompt("Name this search")?.trim();
          if (name) save.mutate(name);
        }}
      >
        Save
      </button>
      {save.error && <span className="error">{save.error.message}</span>}
    </>
  );
}
