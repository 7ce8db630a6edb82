"use client";

import { useCallback, useRef, useState } from "react";
import type { LogRecord } from "@/lib/query/wire";

/** A line just opened, whose details should scroll into view once they are drawn. */
export type RevealRef = { current: string | null };

/**
 * Which lines are open to show their fields, by record id. `reveal` holds the line opened last until its details
 * have been scrolled into view: opened on the last visible line, they would start below the fold. It is taken
 * once, so a row drawn again while scrolling past does not pull the view back to it.
 */
export function useExpanded() {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const reveal = useRef<string | null>(null);
  const toggle = useCallback((r: LogRecord) => {
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(r.id)) n.delete(r.id);
      else n.add(r.id);
      reveal.current = n.has(r.id) ? r.id : null;
      return n;
    });
  }, []);
  const collapseAll = useCallback(() => setExpanded(new Set()), []);
  return { expanded, toggle, collapseAll, reveal: reveal as RevealRef };
}
