"use client";

import { useEffect, useState } from "react";

export function ThemeToggle() {
  const [theme, setTheme] = useState<string | null>(null);
  useEffect(() => setTheme(document.documentElement.dataset.theme ?? "light"), []);
  return (
    <button
      aria-label="toggle dark theme"
      onClick={() => {
        const next = theme === "dark" ? "light" : "dark";
        document.documentElement.dataset.theme = next;
        localStorage.setItem("alco-theme", next);
        setTheme(next);
      }}
    >
      {theme === "dark" ? "☀ light" : "☾ dark"}
    </button>
  );
}
