"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { PublicAlert } from "@/lib/alerts/wire";
import { clearAlert, fetchAlerts } from "@/lib/reader/api-client";

/** How often the bell asks; the evaluator's default period is 30 s, so this never lags more than a third of it. */
const POLL_MS = 10_000;

/**
 * The bell on every page: the number of firing alerts the signed-in person may see, and a list to open each one's
 * lines in the reader and clear them one by one or all at once.
 */
export function AlertBell() {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  const client = useQueryClient();
  const alerts = useQuery({
    queryKey: ["alerts"],
    queryFn: ({ signal }) => fetchAlerts(signal),
    refetchInterval: POLL_MS,
  });
  const clear = useMutation({
    mutationFn: async (targets: { ruleId: number; group: string | null | undefined }[]) => {
      for (const t of targets) await clearAlert(t.ruleId, t.group);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["alerts"] }),
  });
  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open]);

  const active = alerts.data?.alerts.filter((a) => a.active) ?? [];
  const firing = alerts.data?.firing ?? 0;
  const rules = [...new Set(active.map((a) => a.ruleId))];
  return (
    <span className="saved" ref={box}>
      <button
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="alert-bell"
        className={firing > 0 ? "bell firing" : "bell"}
        title={firing > 0 ? `${firing} alerts firing` : "No alerts firing"}
        aria-label={`alerts, ${firing} firing`}
        onClick={() => setOpen(!open)}
      >
        {/* Drawn, not an emoji: a machine without an emoji font shows a box for 🔔. */}
        <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
          <path d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2Zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 1 0-2 0v1.1A5 5 0 0 0 3 7v4l-2 2h14l-2-2Z" />
        </svg>{" "}
        {firing}
      </button>
      {open && (
        <div className="saved-dialog" role="dialog" aria-label="alerts">
          {alerts.error && <p className="error">{alerts.error.message}</p>}
          {clear.error && <p className="error">{clear.error.message}</p>}
          {active.length === 0 ? (
            <p className="admin-muted">No alerts firing.</p>
          ) : (
            <ul className="alert-list">
              {active.map((a) => (
                <AlertItem
                  key={`${a.ruleId} ${a.group ?? ""}`}
                  alert={a}
                  busy={clear.isPending}
                  onClear={() => clear.mutate([{ ruleId: a.ruleId, group: a.group }])}
                />
              ))}
            </ul>
          )}
          {active.length > 1 && (
            <button
              disabled={clear.isPending}
              onClick={() => clear.mutate(rules.map((ruleId) => ({ ruleId, group: undefined })))}
            >
              Clear all
            </button>
          )}
        </div>
      )}
    </span>
  );
}

function AlertItem({ alert, busy, onClear }: { alert: PublicAlert; busy: boolean; onClear: () => void }) {
  const what = alert.group === null ? alert.rule : `${alert.rule}: ${alert.group}`;
  return (
    <li data-testid="alert-item">
      <Link href={alert.link} title={`firing since ${alert.firingSince}`}>
        {what}
      </Link>{" "}
      <span className="admin-muted">
        {alert.index} · {alert.value}
        {alert.delivery?.status === "failed" ? " · webhook failed" : ""}
      </span>{" "}
      <button disabled={busy} onClick={onClear} aria-label={`Clear ${what}`}>
        Clear
      </button>
    </li>
  );
}
