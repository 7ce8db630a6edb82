"use client";

import { useEffect, useState } from "react";

/** Named by what it shows (the theme it switches to), so a user who says or reads that label finds it. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<string | null>(null);
  useEffect(() => setTheme(document.documentElement.dataset.theme ?? "light"), []);
  const next = theme === "dark" ? "light" : "dark";
  return (
    <button
      title={`switch to the ${next} theme`}
      onClick={() => {
        document.documentElement.dataset.theme = next;
        localStorage.setItem("alco-theme", next);
        setTheme(next);
      }}
    >
      <span aria-hidden="true">{next === "light" ? "☀" : "☾"}</span> {next} theme
    </button>
  );
}
