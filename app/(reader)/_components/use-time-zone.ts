"use client";

import { useSyncExternalStore } from "react";
import { zoneOf, type TimeZoneChoice } from "@/lib/reader/time-format";

const never = () => () => {};
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The IANA zone the reader shows and reads times in. The server cannot know the browser's zone: it renders in
 * UTC and the browser moves to its own zone right after hydration, without a mismatch.
 */
export function useTimeZone(choice: TimeZoneChoice): string {
  return zoneOf(
    choice,
    useSyncExternalStore(never, browserZone, () => "UTC"),
  );
}

/** False while the server renders and the browser hydrates, true after: for what the server cannot render. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
