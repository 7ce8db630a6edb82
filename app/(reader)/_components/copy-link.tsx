"use client";

import { useEffect, useRef, useState } from "react";

/**
 * "Copy link": the view as a link that shows the same lines later (`link()` fixes its times). Copied to the
 * clipboard where the page may write it; shown selected in a field either way, since a page served over plain
 * HTTP to another host has no clipboard.
 */
export function CopyLink({ link }: { link: () => string }) {
  const [shown, setShown] = useState<{ url: string; copied: boolean } | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.select();
  }, [shown]);
  return (
    <span className="copy-link">
      <button
        title="Copy a link to this view, its times fixed, opening on the focused line"
        onClick={() => {
          const url = link();
          void (navigator.clipboard?.writeText(url) ?? Promise.reject(new Error("no clipboard"))).then(
            () => setShown({ url, copied: true }),
            () => setShown({ url, copied: false }),
          );
        }}
      >
        Copy link
      </button>
      {shown && (
        <span className="copy-link-box" role="status">
          <input
            ref={field}
            readOnly
            aria-label="link to this view"
            data-testid="shared-link"
            value={shown.url}
            onKeyDown={(e) => e.key === "Escape" && setShown(null)}
            onBlur={() => setShown(null)}
          />
          {shown.copied ? "copied" : "press Ctrl+C to copy"}
        </span>
      )}
    </span>
  );
}
