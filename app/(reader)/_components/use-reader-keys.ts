"use client";

import { useEffect, useRef } from "react";

export type KeyHandlers = Partial<Record<string, () => void>>;

/**
 * less-style single keys for the page. Ignored while typing in a field (except Escape) and when a modifier is
 * held, so browser shortcuts keep working.
 */
export function useReaderKeys(handlers: KeyHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const typing =
        t &&
        (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (typing && e.key !== "Escape") return;
      const h = ref.current[e.key];
      if (!h) return;
      e.preventDefault();
      h();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
