"use client";

import { useCallback, useEffect, useState } from "react";
import { historyKey, parseHistory, rememberQuery } from "@/lib/reader/query-history";

// Storage can refuse (a private window, a full quota): the box then works without a history.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // As above: a history that is not kept is no reason to fail a search.
  }
}

/**
 * The user's past queries in this browser, newest first. `reload` reads them again, for what another tab of the
 * same user searched since; `remember` reads before it writes for the same reason.
 */
export function useQueryHistory(user: string) {
  const key = historyKey(user);
  const [history, setHistory] = useState<string[]>([]);
  const reload = useCallback(() => setHistory(parseHistory(read(key))), [key]);
  useEffect(reload, [reload]);
  const remember = useCallback(
    (query: string) => {
      const next = rememberQuery(parseHistory(read(key)), query);
      write(key, JSON.stringify(next));
      setHistory(next);
    },
    [key],
  );
  return { history, reload, remember };
}
