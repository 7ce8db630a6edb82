"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { Histogram } from "@/lib/query/wire";
import { barSize } from "@/lib/reader/time-format";

type Props = { histogram: UseQueryResult<Histogram, Error>; newSinceLive: number };

/**
 * How many lines match, counted by the engine over the whole range (the histogram's total, not the loaded pages').
 * While a new question is answered the previous count would be a wrong answer to it, so it says so instead.
 */
export function ResultSummary({ histogram, newSinceLive }: Props) {
  const counting = histogram.isPending || histogram.isPlaceholderData;
  const data = counting || histogram.error ? undefined : histogram.data;
  return (
    <div className="summary" data-testid="summary" aria-busy={counting}>
      {counting && !histogram.error ? (
        <span data-testid="counting">counting…</span>
      ) : data ? (
        `${data.total.toLocaleString()} matching lines`
      ) : (
        " "
      )}
      {newSinceLive > 0 && ` · ${newSinceLive.toLocaleString()} new since live`}
      {data ? ` · ${barSize(data.bucketMs)} bars` : ""}
    </div>
  );
}
