"use client";

import { forwardRef, useEffect, useState } from "react";

type Props = { value: string; error: string | null; onSubmit: (q: string) => void };

/** The query box: Enter searches; the API's message for a bad query shows right under it. */
export const SearchBar = forwardRef<HTMLInputElement, Props>(function SearchBar(
  { value, error, onSubmit },
  ref,
) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(text.trim());
      }}
    >
      <input
        ref={ref}
        name="q"
        aria-label="search"
        placeholder='words, "a phrase", pre*, *infix*, host:web-1, -exclude   (press / to focus)'
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") (e.target as HTMLInputElement).blur();
        }}
        spellCheck={false}
        autoComplete="off"
      />
      {error && (
        <div className="error" role="alert" data-testid="query-error">
          {error}
        </div>
      )}
    </form>
  );
});
