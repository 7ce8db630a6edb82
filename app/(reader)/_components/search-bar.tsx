"use client";

import { useQuery } from "@tanstack/react-query";
import { forwardRef, useEffect, useId, useImperativeHandle, useLayoutEffect, useRef, useState } from "react";
import { fetchSuggestions } from "@/lib/reader/api-client";
import { completeField, completeValue, tokenAt, type CaretToken } from "@/lib/reader/query-suggest";
import { useQueryHistory } from "./use-query-history";

type Props = {
  value: string;
  error: string | null;
  onSubmit: (q: string) => void;
  logger: string;
  /** Whose past queries the box offers. */
  user: string;
  /** The reader's range: a field's values are ranked by their lines in it. */
  from: string;
  to: string;
};

type Option =
  | { kind: "history"; query: string }
  | { kind: "field"; field: string }
  | { kind: "value"; value: string; count: number };

type Wanted = { field?: string; prefix: string };

/** What to ask the API for at the caret, as a key that stays equal while the question does. */
function wantedKey(text: string, token: CaretToken): string {
  if (text.trim() === "") return "";
  if (token.kind === "field") return JSON.stringify({ prefix: token.prefix } satisfies Wanted);
  if (token.kind === "value")
    return JSON.stringify({ field: token.field, prefix: token.prefix } satisfies Wanted);
  return "";
}

/** Asked after a pause in typing, not once per key. */
const ASK_AFTER_MS = 120;

function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The query box: Enter searches; the API's message for a bad query shows right under it. As a combobox it offers
 * field names for a word being typed, a field's values after `field:`, and the user's past queries while empty;
 * ArrowUp/ArrowDown pick, Enter or Tab take the picked one, Escape closes the list. Enter with nothing picked
 * searches as typed.
 */
export const SearchBar = forwardRef<HTMLInputElement, Props>(function SearchBar(
  { value, error, onSubmit, logger, user, from, to },
  ref,
) {
  const input = useRef<HTMLInputElement>(null);
  useImperativeHandle(ref, () => input.current!, []);
  const [text, setText] = useState(value);
  const [caret, setCaret] = useState(value.length);
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState({ key: "", index: -1 });
  const moveCaret = useRef<number | null>(null);
  const { history, reload, remember } = useQueryHistory(user);
  const listId = useId();
  useEffect(() => {
    setText(value);
    setCaret(value.length);
  }, [value]);
  useLayoutEffect(() => {
    if (moveCaret.current === null) return;
    input.current?.setSelectionRange(moveCaret.current, moveCaret.current);
    moveCaret.current = null;
  });

  const token = tokenAt(text, caret);
  const wanted = wantedKey(text, token);
  const asked = useSettled(wanted, ASK_AFTER_MS);
  const suggestions = useQuery({
    queryKey: ["suggest", logger, from, to, asked],
    queryFn: ({ signal }) => {
      const w = JSON.parse(asked) as Wanted;
      const sp = new URLSearchParams({ prefix: w.prefix });
      if (w.field) sp.set("field", w.field);
      if (from) sp.set("from", from);
      if (to) sp.set("to", to);
      return fetchSuggestions(logger, sp, signal);
    },
    enabled: open && asked !== "",
    staleTime: 30_000,
    // No suggestions is an answer too: the box must not wait on retries while the user types on.
    retry: false,
  });

  const empty = text.trim() === "";
  let options: Option[] = [];
  if (empty) options = history.map((query) => ({ kind: "history", query }));
  else if (wanted !== "" && asked === wanted && suggestions.data) {
    const d = suggestions.data;
    options =
      "fields" in d
        ? d.fields.map((field) => ({ kind: "field", field }))
        : d.values.map((v) => ({ kind: "value", ...v }));
  }
  const optionsKey = empty ? "history" : wanted;
  const shown = open && options.length > 0;
  const active = shown && picked.key === optionsKey && picked.index < options.length ? picked.index : -1;
  const optionId = (i: number) => `${listId}-${i}`;
  useEffect(() => {
    if (active >= 0) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
  });

  const edit = (next: string, at: number) => {
    setText(next);
    setCaret(at);
    moveCaret.current = at;
  };
  const submit = (q: string) => {
    setOpen(false);
    remember(q);
    onSubmit(q.trim());
  };
  const accept = (o: Option, how: "enter" | "tab") => {
    if (o.kind === "history") {
      if (how === "enter") {
        setText(o.query);
        submit(o.query);
      } else {
        edit(o.query, o.query.length);
        setOpen(false);
      }
      return;
    }
    // A field taken leaves the list open on its values; a value taken leaves the caret after a space, with
    // nothing to complete there.
    if (o.kind === "field" && token.kind === "field") {
      const done = completeField(text, token, o.field);
      edit(done.text, done.caret);
    } else if (o.kind === "value" && token.kind === "value") {
      const done = completeValue(text, token, o.value);
      edit(done.text, done.caret);
    }
  };

  return (
    <form
      className="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        submit(text);
      }}
    >
      <input
        ref={input}
        name="q"
        role="combobox"
        aria-label="search"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={active >= 0 ? optionId(active) : undefined}
        placeholder='words, "a phrase", pre*, *infix*, host:web-1, -exclude   (press / to focus)'
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setOpen(true);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? e.currentTarget.value.length)}
        onFocus={(e) => {
          reload();
          setOpen(e.currentTarget.value.trim() === "");
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing) return;
          const n = options.length;
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            if (!shown) {
              setOpen(true);
              if (e.key === "ArrowDown") setPicked({ key: optionsKey, index: n > 0 ? 0 : -1 });
              return;
            }
            const index = e.key === "ArrowDown" ? (active + 1) % n : active <= 0 ? n - 1 : active - 1;
            setPicked({ key: optionsKey, index });
            return;
          }
          if ((e.key === "Enter" || e.key === "Tab") && active >= 0) {
            e.preventDefault();
            accept(options[active]!, e.key === "Enter" ? "enter" : "tab");
            return;
          }
          if (e.key === "Escape") {
            // Handled here, so the page's Escape (use-reader-keys.ts) leaves the open lines alone.
            if (shown) {
              e.preventDefault();
              setOpen(false);
            } else e.currentTarget.blur();
          }
        }}
        spellCheck={false}
        autoComplete="off"
      />
      <ul
        className="suggestions"
        id={listId}
        role="listbox"
        aria-label={empty ? "recent searches" : "suggestions"}
        hidden={!shown}
      >
        {shown &&
          options.map((o, i) => (
            <li
              key={
                o.kind === "history" ? `h:${o.query}` : o.kind === "field" ? `f:${o.field}` : `v:${o.value}`
              }
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              // Keeps the focus in the box, so that the list does not close before the click lands.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => accept(o, "enter")}
            >
              {o.kind === "history" ? (
                o.query
              ) : o.kind === "field" ? (
                `${o.field}:`
              ) : (
                <>
                  <span className="value">{o.value}</span>{" "}
                  <span className="count">{o.count.toLocaleString()}</span>
                </>
              )}
            </li>
          ))}
      </ul>
      {error && (
        <div className="error" role="alert" data-testid="query-error">
          {error}
        </div>
      )}
    </form>
  );
});
