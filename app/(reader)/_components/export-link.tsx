"use client";

import type { ReactNode } from "react";

/**
 * A download that looks and acts like the toolbar's buttons. It stays a link, so it can be saved or copied, and
 * Space presses it as it does a button; a button inside a link would be two controls in one for a screen reader.
 */
export function ExportLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a
      className="button-link"
      role="button"
      href={href}
      download
      onKeyDown={(e) => {
        if (e.key !== " ") return;
        e.preventDefault();
        e.currentTarget.click();
      }}
    >
      {children}
    </a>
  );
}
