"use client";

import Link from "next/link";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { indexNameProblem } from "@/lib/indexes/index-name-problem";
import { adminPaths, splitList, type AdminIndex, type WireIndex } from "@/lib/admin/api-client";
import { apiFetch } from "@/lib/client/api-fetch";
import { ErrorNote, Num, Section, formatBytes } from "./admin-ui";

export function IndexesSection() {
  const indexes = useQuery({
    queryKey: ["admin", "indexes"],
    queryFn: () => apiFetch<{ indexes: AdminIndex[] }>(adminPaths.indexes),
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
              <th>
                <span className="visually-hidden">reader</span>
              </th>
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
  // Said once there is a name to judge, or on submitting without one: not while the field is still untouched.
  const [judged, setJudged] = useState(false);
  const nameId = useId();
  const nameProblem = judged || form.name !== "" ? indexNameProblem(form.name.trim()) : null;
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ index: WireIndex }>(adminPaths.indexes, {
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
      setJudged(false);
      void queryClient.invalidateQueries({ queryKey: ["admin", "indexes"] });
    },
  });
  const field = (key: keyof typeof empty) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setJudged(true);
    if (indexNameProblem(form.name.trim())) {
      document.getElementById(nameId)?.focus();
      return;
    }
    create.mutate();
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label="create index">
      <h3>New index</h3>
      <div className="admin-field">
        <label>
          Name
          <input
            {...field("name")}
            id={nameId}
            placeholder="shop"
            aria-invalid={nameProblem !== null}
            aria-describedby={nameProblem ? `${nameId}-problem` : undefined}
            autoComplete="off"
          />
        </label>
        {nameProblem && (
          <p role="alert" id={`${nameId}-problem`} className="admin-error">
            {nameProblem}
          </p>
        )}
      </div>
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
