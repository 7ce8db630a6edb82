"use client";

import { useCallback, useState } from "react";
import type { LogRecord } from "@/lib/query/wire";

/** Which lines are open to show their fields, by record id. */
export function useExpanded() {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = useCallback((r: LogRecord) => {
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(r.id)) n.delete(r.id);
      else n.add(r.id);
      return n;
    });
  }, []);
  const collapseAll = useCallback(() => setExpanded(new Set()), []);
  return { expanded, toggle, collapseAll };
}
