"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import type { PublicAlertRule } from "@/lib/alerts/wire";
import { adminPaths } from "@/lib/admin/api-client";
import { apiFetch } from "@/lib/client/api-fetch";
import { ConfirmButton, ErrorNote, Section, formatTime } from "./admin-ui";

const OPS = { gt: "more than", lt: "fewer than", change: "change % over" } as const;

/**
 * Alert rules: the list with their last evaluation, and a form for a new one. The reader's "Alert on this search"
 * opens /admin with `alertIndex` and `alertQuery` in the URL, which fill the form in.
 */
export function AlertsSection() {
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: ["admin", "alerts"],
    queryFn: () => apiFetch<{ alerts: PublicAlertRule[] }>(adminPaths.alerts),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["admin", "alerts"] });
  return (
    <Section title="Alert rules" testId="admin-alerts-section">
      <ErrorNote error={rules.error} />
      {rules.data && rules.data.alerts.length > 0 && (
        <table className="admin-table" data-testid="admin-alerts">
          <thead>
            <tr>
              <th>name</th>
              <th>index</th>
              <th>query</th>
              <th>fires on</th>
              <th>last evaluated</th>
              <th>
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data.alerts.map((r) => (
              <RuleRow key={r.id} rule={r} onChanged={refresh} />
            ))}
          </tbody>
        </table>
      )}
      <CreateRuleForm onCreated={refresh} />
    </Section>
  );
}

function RuleRow({ rule, onChanged }: { rule: PublicAlertRule; onChanged: () => Promise<void> }) {
  const remove = useMutation({
    mutationFn: () => apiFetch<void>(adminPaths.alert(rule.id), { method: "DELETE" }),
    onSuccess: onChanged,
  });
  return (
    <tr data-alert={rule.name}>
      <td>{rule.name}</td>
      <td>{rule.index}</td>
      <td className="mono">{rule.query || "(every line)"}</td>
      <td>
        {OPS[rule.condition.op]} {rule.condition.value} in {rule.windowSeconds} s
        {rule.groupBy ? `, per ${rule.groupBy}` : ""}
      </td>
      <td>
        {formatTime(rule.evaluatedAt)}
        {rule.lastError && <span className="error"> {rule.lastError}</span>}
      </td>
      <td>
        <ConfirmButton
          label="Delete"
          confirmLabel={`Delete ${rule.name}`}
          onConfirm={() => remove.mutate()}
        />
        <ErrorNote error={remove.error} />
      </td>
    </tr>
  );
}

function CreateRuleForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const params = useSearchParams();
  const [form, setForm] = useState({
    name: "",
    index: params.get("alertIndex") ?? "",
    query: params.get("alertQuery") ?? "",
    windowSeconds: "300",
    op: "gt",
    value: "0",
    groupBy: "",
    webhookUrl: "",
    everySeconds: "30",
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ alert: PublicAlertRule }>(adminPaths.alerts, {
        method: "POST",
        body: {
          name: form.name.trim(),
          index: form.index.trim(),
          query: form.query,
          windowSeconds: Number(form.windowSeconds),
          condition: { op: form.op, value: Number(form.value) },
          groupBy: form.groupBy.trim() || null,
          webhookUrl: form.webhookUrl.trim() || null,
          everySeconds: Number(form.everySeconds),
        },
      }),
    onSuccess: () => {
      setForm({ ...form, name: "" });
      return onCreated();
    },
  });
  return (
    <form
      id="alerts"
      className="admin-form"
      aria-label="create alert rule"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <h3>New alert rule</h3>
      <label>
        Rule name
        <input value={form.name} onChange={set("name")} required placeholder="5xx on the shop" />
      </label>
      <label>
        Index
        <input value={form.index} onChange={set("index")} required />
      </label>
      <label>
        Query
        <input value={form.query} onChange={set("query")} placeholder="status:500 status:503" />
      </label>
      <label>
        Window (s)
        <input
          type="number"
          min={60}
          max={86400}
          value={form.windowSeconds}
          onChange={set("windowSeconds")}
        />
      </label>
      <label>
        Fires on
        <select value={form.op} onChange={set("op")}>
          <option value="gt">more than</option>
          <option value="lt">fewer than</option>
          <option value="change">change % over</option>
        </select>
      </label>
      <label>
        Value
        <input type="number" value={form.value} onChange={set("value")} />
      </label>
      <label>
        Group by field
        <input value={form.groupBy} onChange={set("groupBy")} placeholder="path" />
      </label>
      <label>
        Webhook URL
        <input value={form.webhookUrl} onChange={set("webhookUrl")} placeholder="https://hooks.slack.com/…" />
      </label>
      <label>
        Every (s)
        <input type="number" min={1} max={3600} value={form.everySeconds} onChange={set("everySeconds")} />
      </label>
      <button type="submit" disabled={create.isPending}>
        Create rule
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}
