"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState, type ReactNode } from "react";
import {
  adminPaths,
  splitList,
  type AdminIndex,
  type DeadLetter,
  type WireColumn,
  type WireIndex,
} from "@/lib/admin/api-client";
import { apiFetch } from "@/lib/client/api-fetch";
import { ConfirmButton, ErrorNote, Num, Section, formatBytes, formatTime } from "../../_components/admin-ui";

const FLAGS = [
  { key: "filtered", label: "filtered", help: "a facet in the reader; its values are tracked" },
  { key: "display", label: "display", help: "a column in the reader's lines" },
  { key: "excluded", label: "excluded", help: "not stored at all" },
  { key: "context", label: "context", help: "offered as a context filter" },
  { key: "indexed", label: "indexed", help: "full-text searchable on its own (field=value)" },
] as const;
type Flag = (typeof FLAGS)[number]["key"];

export function IndexAdminClient({ name }: { name: string }) {
  const index = useQuery({
    queryKey: ["admin", "index", name],
    queryFn: () => apiFetch<{ index: AdminIndex }>(adminPaths.index(name)),
    refetchInterval: 5_000,
    staleTime: 0,
  });
  const i = index.data?.index;
  return (
    <main className="admin">
      <header>
        <h1>
          <Link href="/">alco</Link> · <Link href="/admin">admin</Link> · {name}
        </h1>
        <Link href={`/grep/${name}`}>open the reader</Link>
      </header>
      <ErrorNote error={index.error} />
      {i && (
        <>
          <Stats index={i} />
          <SettingsForm key={`${i.title}|${i.retentionDays}|${i.routingKeys.join(",")}`} index={i} />
        </>
      )}
      <Columns name={name} />
      <DeadLetters name={name} />
      <DeleteIndex name={name} />
    </main>
  );
}

function Stats({ index }: { index: AdminIndex }) {
  const s = index.stats;
  const items: [string, ReactNode][] = [
    ["queue depth", <Num key="q" value={s.queueDepth} />],
    ["consumers", <Num key="c" value={s.consumers} />],
    ["last 5 min", <Num key="l" value={s.last5m} />],
    ["stored", <Num key="s" value={s.recordsStored} />],
    ["disk", <Num key="d" value={s.diskBytes} format={formatBytes} />],
  ];
  // Dead letters are counted in their own section below: a count taken while that section peeks (holding the
  // messages unacked for a moment) would read low.
  return (
    <Section title={index.title ? `${index.title} (${index.name})` : index.name} testId="index-stats">
      <dl className="admin-stats">
        {items.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

function SettingsForm({ index }: { index: AdminIndex }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    title: index.title,
    retentionDays: String(index.retentionDays),
    routingKeys: index.routingKeys.join(", "),
  });
  const save = useMutation({
    mutationFn: () =>
      apiFetch<{ index: WireIndex }>(adminPaths.index(index.name), {
        method: "PATCH",
        body: {
          title: form.title.trim(),
          retentionDays: Number(form.retentionDays),
          routingKeys: splitList(form.routingKeys) ?? [],
        },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "index", index.name] }),
  });
  return (
    <Section title="Settings">
      <form
        className="admin-form"
        aria-label="index settings"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          Title
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
        </label>
        <label>
          Retention (days)
          <input
            type="number"
            min={1}
            max={3650}
            required
            value={form.retentionDays}
            onChange={(e) => setForm({ ...form, retentionDays: e.target.value })}
          />
        </label>
        <label>
          Routing keys
          <input
            value={form.routingKeys}
            onChange={(e) => setForm({ ...form, routingKeys: e.target.value })}
            required
          />
        </label>
        <label>
          Queue
          <input
            value={`${index.queueName}${index.durable ? " (durable)" : ""}`}
            readOnly
            disabled
            title="fixed when the index was created"
          />
        </label>
        <div className="admin-actions">
          <button type="submit" disabled={save.isPending}>
            Save settings
          </button>
          {save.isSuccess && <span role="status">Saved: bindings updated.</span>}
        </div>
        <ErrorNote error={save.error} />
      </form>
    </Section>
  );
}

function Columns({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const key = ["admin", "columns", name];
  const columns = useQuery({
    queryKey: key,
    queryFn: () => apiFetch<{ columns: WireColumn[] }>(adminPaths.columns(name)),
  });
  const update = useMutation({
    mutationFn: (change: { name: string } & Partial<Record<Flag, boolean>>) =>
      apiFetch<{ columns: WireColumn[] }>(adminPaths.columns(name), {
        method: "PATCH",
        body: { columns: [change] },
      }),
    onSuccess: (data) => queryClient.setQueryData(key, data),
  });
  return (
    <Section title="Columns" testId="index-columns">
      <p className="admin-muted">
        Columns register themselves the first time a record has the field. Flag changes apply to records
        indexed from now on.
      </p>
      <dl className="admin-flags" aria-label="what the flags mean">
        {FLAGS.map((f) => (
          <Fragment key={f.key}>
            <dt>{f.label}</dt>
            <dd>{f.help}</dd>
          </Fragment>
        ))}
      </dl>
      <ErrorNote error={columns.error ?? update.error} />
      {columns.data && (
        <table className="admin-table">
          <thead>
            <tr>
              <th>column</th>
              {FLAGS.map((f) => (
                <th key={f.key} title={f.help} className="center">
                  {f.label}
                </th>
              ))}
              <th>first seen</th>
            </tr>
          </thead>
          <tbody>
            {columns.data.columns.map((c) => (
              <tr key={c.name} data-column={c.name}>
                <td className="mono">{c.name}</td>
                {FLAGS.map((f) => (
                  <td key={f.key} className="center">
                    <input
                      type="checkbox"
                      aria-label={`${f.label}: ${c.name}`}
                      checked={c[f.key]}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ name: c.name, [f.key]: e.target.checked })}
                    />
                  </td>
                ))}
                <td>{formatTime(c.firstSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

function DeadLetters({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const key = ["admin", "dead-letters", name];
  const dead = useQuery({
    queryKey: key,
    queryFn: () =>
      apiFetch<{ count: number; messages: DeadLetter[] }>(`${adminPaths.deadLetters(name)}?limit=20`),
    refetchInterval: 10_000,
    staleTime: 0,
  });
  const act = useMutation({
    mutationFn: (action: "republish" | "drop") =>
      apiFetch<{ count: number }>(adminPaths.deadLetters(name), { method: "POST", body: { action } }).then(
        (r) => ({
          action,
          ...r,
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: key }),
        queryClient.invalidateQueries({ queryKey: ["admin", "index", name] }),
      ]),
  });
  const count = dead.data?.count ?? 0;
  return (
    <Section title="Dead letters" testId="dead-letters">
      <p>
        <strong data-testid="dead-letter-count">{dead.data ? count.toLocaleString() : "…"}</strong> rejected
        message
        {count === 1 ? "" : "s"} waiting.
        {count > 0 && dead.data && dead.data.messages.length < count && (
          <span className="admin-muted"> The newest {dead.data.messages.length} are shown.</span>
        )}
      </p>
      <div className="admin-actions">
        <button type="button" disabled={!count || act.isPending} onClick={() => act.mutate("republish")}>
          Re-publish all
        </button>
        <ConfirmButton
          label="Drop all"
          confirmLabel={`Drop ${count.toLocaleString()} message${count === 1 ? "" : "s"}`}
          onConfirm={() => act.mutate("drop")}
          disabled={!count || act.isPending}
        />
        {act.data && (
          <span role="status">
            {act.data.action === "republish" ? "Re-published" : "Dropped"} {act.data.count.toLocaleString()}.
          </span>
        )}
      </div>
      <ErrorNote error={dead.error ?? act.error} />
      {dead.data && dead.data.messages.length > 0 && (
        <ol className="admin-dead-letters">
          {dead.data.messages.map((m, i) => (
            <li key={`${m.messageId ?? ""}-${i}`}>
              <div>
                <strong className="admin-reason">{m.reason ?? "no reason given"}</strong>
              </div>
              <div className="admin-muted">
                {formatTime(m.rejectedAt)} · routing key <code>{m.routingKey ?? "unknown"}</code>
                {m.messageId && (
                  <>
                    {" "}
                    · id <code>{m.messageId}</code>
                  </>
                )}{" "}
                · {formatBytes(m.bytes)}
              </div>
              <pre>
                {m.body}
                {m.truncated ? "\n…" : ""}
              </pre>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function DeleteIndex({ name }: { name: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState("");
  const remove = useMutation({
    mutationFn: () =>
      apiFetch<void>(`${adminPaths.index(name)}?confirm=${encodeURIComponent(typed)}`, { method: "DELETE" }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["admin", "index", name] });
      void queryClient.invalidateQueries({ queryKey: ["admin", "indexes"] });
      router.push("/admin");
    },
  });
  return (
    <Section title="Delete index" testId="delete-index">
      <form
        className="admin-form"
        aria-label="delete index"
        onSubmit={(e) => {
          e.preventDefault();
          remove.mutate();
        }}
      >
        <p>
          Deletes the index, its columns and saved searches, its queue and dead-letter queue, its tracked
          values and every stored record. This cannot be undone.
        </p>
        <label>
          <span>
            Type <code>{name}</code> to confirm
          </span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        <div className="admin-actions">
          <button type="submit" className="danger" disabled={typed !== name || remove.isPending}>
            Delete index
          </button>
        </div>
        <ErrorNote error={remove.error} />
      </form>
    </Section>
  );
}
