"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { adminPaths, type WireToken } from "@/lib/admin/api-client";
import { apiFetch } from "@/lib/client/api-fetch";
import { ConfirmButton, ErrorNote, Section, formatTime } from "./admin-ui";

export function TokensSection() {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ["admin", "tokens"],
    queryFn: () => apiFetch<{ tokens: WireToken[] }>(adminPaths.tokens),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "tokens"] });
  return (
    <Section title="API tokens" testId="admin-tokens-section">
      <ErrorNote error={tokens.error} />
      {tokens.data && tokens.data.tokens.length > 0 && (
        <table className="admin-table" data-testid="admin-tokens">
          <thead>
            <tr>
              <th>name</th>
              <th>token</th>
              <th>scope</th>
              <th>created</th>
              <th>last used</th>
              <th>
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.tokens.map((t) => (
              <TokenRow key={t.id} token={t} onChanged={refresh} />
            ))}
          </tbody>
        </table>
      )}
      <CreateTokenForm onCreated={refresh} />
    </Section>
  );
}

function TokenRow({ token, onChanged }: { token: WireToken; onChanged: () => Promise<void> }) {
  const revoke = useMutation({
    mutationFn: () => apiFetch<void>(adminPaths.token(token.id), { method: "DELETE" }),
    onSuccess: onChanged,
  });
  return (
    <tr data-token={token.name} className={token.revokedAt ? "admin-revoked" : undefined}>
      <td>{token.name}</td>
      <td className="mono">{token.prefix}…</td>
      <td>{token.scope}</td>
      <td>{formatTime(token.createdAt)}</td>
      <td>{formatTime(token.lastUsedAt)}</td>
      <td>
        {token.revokedAt ? (
          <span className="admin-muted">revoked {formatTime(token.revokedAt)}</span>
        ) : (
          <ConfirmButton
            label="Revoke"
            confirmLabel={`Revoke ${token.name}`}
            onConfirm={() => revoke.mutate()}
          />
        )}
        <ErrorNote error={revoke.error} />
      </td>
    </tr>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState("read");
  const [copied, setCopied] = useState(false);
  const secret = useRef<HTMLDivElement>(null);
  const copy = useRef<HTMLButtonElement>(null);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ token: string; record: WireToken }>(adminPaths.tokens, {
        method: "POST",
        body: { name: name.trim(), scope },
      }),
    onSuccess: () => {
      setName("");
      setCopied(false);
      return onCreated();
    },
  });
  // The secret is shown once, below the form that made it: bring it into view and put the focus on Copy, so that
  // it is neither missed below the fold nor lost by the next key pressed.
  const shown = create.data?.token;
  useEffect(() => {
    if (!shown) return;
    secret.current?.scrollIntoView({ block: "nearest" });
    copy.current?.focus({ preventScroll: true });
  }, [shown]);
  return (
    <form
      className="admin-form"
      aria-label="create token"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3>New API token</h3>
      <label>
        Token name
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          placeholder="ci, agent on web-01…"
        />
      </label>
      <label>
        Scope
        <select value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="read">read (query, stream)</option>
          <option value="ingest">ingest (send logs)</option>
        </select>
      </label>
      <div className="admin-actions">
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </div>
      <ErrorNote error={create.error} />
      {create.data && (
        <div className="admin-secret" role="status" data-testid="new-token" ref={secret}>
          <p>
            Copy the token for <strong>{create.data.record.name}</strong> now: it is shown only this once.
          </p>
          <code>{create.data.token}</code>{" "}
          <button
            type="button"
            ref={copy}
            onClick={() =>
              void navigator.clipboard.writeText(create.data.token).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {copied ? "Copied" : "Copy"}
          </button>{" "}
          <button type="button" onClick={() => create.reset()}>
            Done
          </button>
        </div>
      )}
    </form>
  );
}
