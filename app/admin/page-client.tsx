"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import {
  adminApi,
  adminPaths,
  splitList,
  type AdminIndex,
  type WireIndex,
  type WireToken,
  type WireUser,
} from "@/lib/admin/api-client";
import { ConfirmButton, ErrorNote, Num, Section, formatBytes, formatTime } from "./_components/admin-ui";

type Me = { id: number; username: string };

export function AdminClient({ me }: { me: Me }) {
  return (
    <main className="admin">
      <header>
        <h1>
          <Link href="/">alco</Link> · admin
        </h1>
        <span className="admin-muted">signed in as {me.username}</span>
      </header>
      <IndexesSection />
      <UsersSection me={me} />
      <TokensSection />
    </main>
  );
}

// --- logger indexes ------------------------------------------------------------------------------------------

function IndexesSection() {
  const indexes = useQuery({
    queryKey: ["admin", "indexes"],
    queryFn: () => adminApi<{ indexes: AdminIndex[] }>(adminPaths.indexes),
    refetchInterval: 5_000,
    staleTime: 0,
  });
  return (
    <Section title="Logger indexes" testId="admin-indexes-section">
      <ErrorNote error={indexes.error} />
      {indexes.data && indexes.data.indexes.length === 0 && <p>No logger indexes yet: create one below.</p>}
      {indexes.data && indexes.data.indexes.length > 0 && (
        <table className="admin-table" data-testid="admin-indexes">
          <thead>
            <tr>
              <th>index</th>
              <th>routing keys</th>
              <th className="num">retention</th>
              <th className="num">queue depth</th>
              <th className="num">last 5 min</th>
              <th className="num">stored</th>
              <th className="num">disk</th>
              <th className="num">dead letters</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {indexes.data.indexes.map((i) => (
              <tr key={i.name} data-index={i.name}>
                <td>
                  <Link href={`/admin/indexes/${i.name}`}>{i.name}</Link>
                  {i.title && i.title !== i.name && <div className="admin-muted">{i.title}</div>}
                </td>
                <td className="mono">{i.routingKeys.join(", ")}</td>
                <td className="num">{i.retentionDays} d</td>
                <td
                  className="num"
                  title={i.stats.consumers === null ? undefined : `${i.stats.consumers} consumer(s)`}
                >
                  <Num value={i.stats.queueDepth} />
                </td>
                <td className="num">
                  <Num value={i.stats.last5m} />
                </td>
                <td className="num">
                  <Num value={i.stats.recordsStored} />
                </td>
                <td className="num">
                  <Num value={i.stats.diskBytes} format={formatBytes} />
                </td>
                <td className={i.stats.deadLetters ? "num admin-warn" : "num"}>
                  <Num value={i.stats.deadLetters} />
                </td>
                <td>
                  <Link href={`/grep/${i.name}`}>reader</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreateIndexForm />
    </Section>
  );
}

function CreateIndexForm() {
  const queryClient = useQueryClient();
  const empty = { name: "", title: "", retentionDays: "7", routingKeys: "", queueName: "" };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      adminApi<{ index: WireIndex }>(adminPaths.indexes, {
        method: "POST",
        body: {
          name: form.name.trim(),
          title: form.title.trim(),
          retentionDays: Number(form.retentionDays),
          routingKeys: splitList(form.routingKeys),
          queueName: form.queueName.trim() || undefined,
        },
      }),
    onSuccess: () => {
      setForm(empty);
      void queryClient.invalidateQueries({ queryKey: ["admin", "indexes"] });
    },
  });
  const field = (key: keyof typeof empty) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label="create index">
      <h3>New index</h3>
      <label>
        Name
        <input {...field("name")} required pattern="[a-z][a-z0-9_]{0,47}" placeholder="shop" />
      </label>
      <label>
        Title
        <input {...field("title")} placeholder="Shop backend" />
      </label>
      <label>
        Retention (days)
        <input {...field("retentionDays")} type="number" min={1} max={3650} required />
      </label>
      <label>
        Routing keys
        <input {...field("routingKeys")} placeholder={`default: *.${form.name || "<name>"}.#`} />
      </label>
      <label>
        Queue name
        <input {...field("queueName")} placeholder={`default: alco.${form.name || "<name>"}`} />
      </label>
      <div className="admin-actions">
        <button type="submit" disabled={create.isPending}>
          Create index
        </button>
        {create.data && (
          <span role="status">
            Created <Link href={`/admin/indexes/${create.data.index.name}`}>{create.data.index.name}</Link> on
            queue <code>{create.data.index.queueName}</code>
          </span>
        )}
      </div>
      <ErrorNote error={create.error} />
    </form>
  );
}

// --- users ---------------------------------------------------------------------------------------------------

function UsersSection({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ["admin", "users"],
    queryFn: () => adminApi<{ users: WireUser[] }>(adminPaths.users),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "users"] });
  return (
    <Section title="Users" testId="admin-users-section">
      <ErrorNote error={users.error} />
      {users.data && (
        <table className="admin-table" data-testid="admin-users">
          <thead>
            <tr>
              <th>username</th>
              <th>role</th>
              <th>indexes</th>
              <th>created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((u) => (
              <UserRow key={u.id} user={u} isMe={u.id === me.id} onChanged={refresh} />
            ))}
          </tbody>
        </table>
      )}
      <CreateUserForm onCreated={refresh} />
    </Section>
  );
}

function UserRow({
  user,
  isMe,
  onChanged,
}: {
  user: WireUser;
  isMe: boolean;
  onChanged: () => Promise<void>;
}) {
  const [password, setPassword] = useState<string | null>(null);
  const update = useMutation({
    mutationFn: (body: { role?: string; password?: string }) =>
      adminApi<{ user: WireUser }>(adminPaths.user(user.id), { method: "PATCH", body }),
    onSuccess: () => {
      setPassword(null);
      return onChanged();
    },
  });
  const remove = useMutation({
    mutationFn: () => adminApi<void>(adminPaths.user(user.id), { method: "DELETE" }),
    onSuccess: onChanged,
  });
  return (
    <tr data-user={user.username}>
      <td>
        {user.username}
        {isMe && <span className="admin-muted"> (you)</span>}
      </td>
      <td>
        <select
          aria-label={`role of ${user.username}`}
          value={user.role}
          disabled={update.isPending}
          onChange={(e) => update.mutate({ role: e.target.value })}
        >
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td>
        {user.allowedIndexes === null ? (
          <span className="admin-muted">all</span>
        ) : (
          user.allowedIndexes.join(", ") || "none"
        )}
      </td>
      <td>{formatTime(user.createdAt)}</td>
      <td>
        <div className="admin-actions">
          {password === null ? (
            <button type="button" onClick={() => setPassword("")}>
              Reset password
            </button>
          ) : (
            <form
              className="admin-inline"
              onSubmit={(e) => {
                e.preventDefault();
                update.mutate({ password });
              }}
            >
              <input
                type="password"
                aria-label={`new password for ${user.username}`}
                autoComplete="new-password"
                minLength={10}
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
              <button type="submit" disabled={update.isPending}>
                Save
              </button>
              <button type="button" onClick={() => setPassword(null)}>
                Cancel
              </button>
            </form>
          )}
          <ConfirmButton
            label="Delete"
            confirmLabel={`Delete ${user.username}`}
            onConfirm={() => remove.mutate()}
            disabled={isMe || remove.isPending}
            title={isMe ? "you cannot delete yourself" : undefined}
          />
        </div>
        <ErrorNote error={update.error ?? remove.error} />
      </td>
    </tr>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const empty = { username: "", password: "", role: "viewer", allowedIndexes: "" };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      adminApi<{ user: WireUser }>(adminPaths.users, {
        method: "POST",
        body: {
          username: form.username.trim(),
          password: form.password,
          role: form.role,
          allowedIndexes: form.role === "viewer" ? (splitList(form.allowedIndexes) ?? null) : null,
        },
      }),
    onSuccess: () => {
      setForm(empty);
      return onCreated();
    },
  });
  const field = (key: keyof typeof empty) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  return (
    <form
      className="admin-form"
      aria-label="create user"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3>New user</h3>
      <label>
        Username
        <input {...field("username")} required autoComplete="off" />
      </label>
      <label>
        Password
        <input {...field("password")} type="password" required minLength={10} autoComplete="new-password" />
      </label>
      <label>
        Role
        <select {...field("role")}>
          <option value="viewer">viewer</option>
          <option value="admin">admin</option>
        </select>
      </label>
      <label>
        Allowed indexes
        <input {...field("allowedIndexes")} placeholder="all" disabled={form.role === "admin"} />
      </label>
      <div className="admin-actions">
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
        {create.data && <span role="status">Created {create.data.user.username}</span>}
      </div>
      <ErrorNote error={create.error} />
    </form>
  );
}

// --- API tokens ----------------------------------------------------------------------------------------------

function TokensSection() {
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ["admin", "tokens"],
    queryFn: () => adminApi<{ tokens: WireToken[] }>(adminPaths.tokens),
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
              <th />
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
    mutationFn: () => adminApi<void>(adminPaths.token(token.id), { method: "DELETE" }),
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
  const create = useMutation({
    mutationFn: () =>
      adminApi<{ token: string; record: WireToken }>(adminPaths.tokens, {
        method: "POST",
        body: { name: name.trim(), scope },
      }),
    onSuccess: () => {
      setName("");
      setCopied(false);
      return onCreated();
    },
  });
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
        <div className="admin-secret" role="status" data-testid="new-token">
          <p>
            Copy the token for <strong>{create.data.record.name}</strong> now: it is shown only this once.
          </p>
          <code>{create.data.token}</code>{" "}
          <button
            type="button"
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
