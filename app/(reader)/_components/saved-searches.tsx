"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import {
  createSavedSearch,
  deleteSavedSearch,
  fetchSavedSearches,
  renameSavedSearch,
} from "@/lib/reader/api-client";
import { MAX_SAVED_SEARCH_NAME } from "@/lib/saved-searches/limits";
import type { SavedSearch } from "@/lib/saved-searches/schema";

/**
 * ALCO's shortcuts: a name for the current view's URL, and a list to go back to one, renamed and deleted where
 * it stands. Everything is asked in place: a browser prompt or confirm would block the page and its live tail.
 */
export function SavedSearches({ logger }: { logger: string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useQuery({
    queryKey: ["saved", logger],
    queryFn: ({ signal }) => fetchSavedSearches(logger, signal),
  });
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);
  const count = list.data?.savedSearches.length;
  return (
    <span className="saved" ref={box}>
      <button
        ref={button}
        aria-haspopup="dialog"
        aria-expanded={open}
        title="Save this view under a name, or open, rename and delete saved ones"
        onClick={() => setOpen(!open)}
      >
        {count === undefined ? "Saved" : `Saved (${count})`}
      </button>
      {open && (
        <SavedDialog
          logger={logger}
          saved={list.data?.savedSearches}
          error={list.error}
          onClose={close}
          onOpened={() => setOpen(false)}
        />
      )}
    </span>
  );
}

function SavedDialog({
  logger,
  saved,
  error,
  onClose,
  onOpened,
}: {
  logger: string;
  saved: SavedSearch[] | undefined;
  error: Error | null;
  onClose: () => void;
  onOpened: () => void;
}) {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const save = useMutation({
    mutationFn: (n: string) =>
      createSavedSearch({ indexName: logger, name: n, url: `${location.pathname}${location.search}` }),
    onSuccess: () => {
      setName("");
      return client.invalidateQueries({ queryKey: ["saved", logger] });
    },
  });
  return (
    <div
      className="saved-dialog"
      role="dialog"
      aria-label="saved searches"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate(name.trim());
        }}
      >
        <input
          aria-label="name for this search"
          placeholder="name for this search"
          value={name}
          maxLength={MAX_SAVED_SEARCH_NAME}
          autoFocus
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={!name.trim() || save.isPending}>
          Save
        </button>
      </form>
      {save.error && (
        <div className="error" role="alert">
          {save.error.message}
        </div>
      )}
      {error && (
        <div className="error" role="alert">
          {error.message}
        </div>
      )}
      {saved?.length === 0 && <p className="hint">No saved searches for this index yet.</p>}
      {saved && saved.length > 0 && (
        <ul>
          {saved.map((s) => (
            <SavedItem key={s.id} saved={s} logger={logger} onOpened={onOpened} />
          ))}
        </ul>
      )}
    </div>
  );
}

function SavedItem({
  saved,
  logger,
  onOpened,
}: {
  saved: SavedSearch;
  logger: string;
  onOpened: () => void;
}) {
  const client = useQueryClient();
  const [mode, setModeNow] = useState<"show" | "rename" | "delete">("show");
  // Back from renaming or asking, the keyboard stays on this search instead of falling to the page.
  const back = useRef(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  const setMode = (m: typeof mode) => {
    back.current = m === "show";
    setModeNow(m);
  };
  useEffect(() => {
    if (mode !== "show" || !back.current) return;
    back.current = false;
    renameButton.current?.focus();
  }, [mode]);
  const refresh = () => client.invalidateQueries({ queryKey: ["saved", logger] });
  const rename = useMutation({
    mutationFn: (name: string) => renameSavedSearch(saved.id, name),
    onSuccess: async () => {
      await refresh();
      setMode("show");
    },
  });
  const remove = useMutation({ mutationFn: () => deleteSavedSearch(saved.id), onSuccess: refresh });
  const failure = rename.error ?? remove.error;
  return (
    <li data-saved-id={saved.id}>
      {mode === "rename" ? (
        <input
          aria-label={`new name for ${saved.name}`}
          title="Enter saves, Escape cancels"
          defaultValue={saved.name}
          maxLength={MAX_SAVED_SEARCH_NAME}
          autoFocus
          onFocus={(e) => e.target.select()}
          disabled={rename.isPending}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              const name = e.currentTarget.value.trim();
              if (name === saved.name) setMode("show");
              else if (name) rename.mutate(name);
            } else if (e.key === "Escape") {
              // Cancels the rename only, not the whole dialog.
              e.stopPropagation();
              rename.reset();
              setMode("show");
            }
          }}
        />
      ) : (
        <Link href={saved.url} onClick={onOpened}>
          {saved.name}
        </Link>
      )}
      {mode === "delete" ? (
        <span className="toolbar">
          <button className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
            yes, delete {saved.name}
          </button>
          <button autoFocus onClick={() => setMode("show")}>
            keep {saved.name}
          </button>
        </span>
      ) : mode === "show" ? (
        <span className="toolbar">
          <button ref={renameButton} onClick={() => setMode("rename")}>
            Rename
          </button>
          <button onClick={() => setMode("delete")}>Delete</button>
        </span>
      ) : null}
      {failure && (
        <div className="error" role="alert">
          {failure.message}
        </div>
      )}
    </li>
  );
}
