"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { adminPaths, splitList, type WireUser } from "@/lib/admin/api-client";
import { apiFetch } from "@/lib/client/api-fetch";
import { ConfirmButton, ErrorNote, Section, formatTime } from "./admin-ui";

/** The signed-in admin: the users table marks their row, which they may not delete. */
export type Me = { id: number; username: string };

export function UsersSection({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ["admin", "users"],
    queryFn: () => apiFetch<{ users: WireUser[] }>(adminPaths.users),
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
              <th>
                <span className="visually-hidden">actions</span>
              </th>
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
      apiFetch<{ user: WireUser }>(adminPaths.user(user.id), { method: "PATCH", body }),
    onSuccess: () => {
      setPassword(null);
      return onChanged();
    },
  });
  const remove = useMutation({
    mutationFn: () => apiFetch<void>(adminPaths.user(user.id), { method: "DELETE" }),
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
      apiFetch<{ user: WireUser }>(adminPaths.users, {
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
