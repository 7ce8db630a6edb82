"use client";

import { useEffect, useRef } from "react";

export type KeyHandlers = Partial<Record<string, () => void>>;

/** What Enter or Space already does something on: the browser's own action wins over the page's key. */
const ACTIVATES = "a[href], button, summary, [role='button'], [role='link'], [role='checkbox'], [role='tab']";

/**
 * less-style single keys for the page. Ignored while typing in a field (except Escape) and when a modifier is
 * held, so browser shortcuts keep working. Enter on a focused link or button opens or presses it; letters still
 * reach the page there, since tabbing to a button should not switch off j/k.
 */
export function useReaderKeys(handlers: KeyHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A control that acted on the key itself keeps it (the query box closing its suggestions on Escape).
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const typing =
        t &&
        (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (typing && e.key !== "Escape") return;
      if ((e.key === "Enter" || e.key === " ") && t?.closest(ACTIVATES)) return;
      const h = ref.current[e.key];
      if (!h) return;
      e.preventDefault();
      h();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
