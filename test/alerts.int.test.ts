/**
 * Alerts on the real stack: rules made through the admin API, evaluated by real evaluators against searchd, their
 * webhook events received by a real HTTP server on loopback. A burst of 5xx lines fires once per path and
 * resolves when it leaves the window, with two evaluator replicas running; a failing webhook is tried M times and
 * marked failed; an evaluator process killed in the middle of an evaluation sends nothing twice, nor does one
 * restarted after sending; viewers see and clear only their indexes' alerts; hostile rules get a 400 naming the
 * field.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import { GET as alertsAdminGET, POST as alertsAdminPOST } from "@/app/api/admin/alerts/route";
import {
  DELETE as alertDELETE,
  GET as alertGET,
  PATCH as alertPATCH,
} from "@/app/api/admin/alerts/[id]/route";
import { GET as alertsGET } from "@/app/api/alerts/route";
import { POST as clearPOST } from "@/app/api/alerts/[id]/clear/route";
import { GET as grepGET } from "@/app/api/grep/[logger]/route";
import { alertNotifications, alertRules, type LoggerIndex } from "@/db/schema";
import { AlertEvaluator } from "@/lib/alerts/alert-evaluator";
import type { PublicAlert, PublicAlertRule } from "@/lib/alerts/alert-rules";
import type { AlertEvent } from "@/lib/alerts/webhook-event";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import {
  callRoute as call,
  collectorEnv,
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engine,
  engineCount,
  publish,
  uniqueName,
  waitFor,
  type As,
} from "./helpers";

const root = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A check of what is already in memory, as waitFor polls it. */
const polled =
  <T>(fn: () => T) =>
  () =>
    Promise.resolve(fn());

type Received = { path: string; attempt: string; body: AlertEvent };

/** A webhook receiver: `/ok/...` answers 204, `/fail/...` 500; everything received is kept in order. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => {
      received.push({
        path: req.url ?? "",
        attempt: String(req.headers["x-alco-attempt"] ?? ""),
        body: JSON.parse(data) as AlertEvent,
      });
      res.writeHead(req.url?.startsWith("/fail") ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    url: (p: string) => `${base}${p}`,
    at: (p: string) => received.filter((r) => r.path === p),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const WEBHOOK = { attempts: 3, backoffMs: 100, maxBackoffMs: 1000, timeoutMs: 2000, log: () => undefined };

function evaluator(): AlertEvaluator {
  return new AlertEvaluator({
    db: db(),
    engine: engine(),
    publicUrl: "http://alco.test",
    tickMs: 100,
    webhook: WEBHOOK,
    log: () => undefined,
  });
}

/** workers/alerts.ts as a process of its own, on the test stack. */
function startEvaluatorProcess(): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "workers/alerts.ts")], {
    cwd: root,
    env: {
      ...process.env,
      ALCO_PUBLIC_URL: "http://alco.test",
      ALERTS_TICK_MS: "100",
      ALERTS_WEBHOOK_ATTEMPTS: "3",
      ALERTS_WEBHOOK_BACKOFF_MS: "100",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  return { child, output: () => output };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

type Line = { path: string; status: number; time: number };

async function publishLines(index: LoggerIndex, lines: Line[]): Promise<void> {
  const before = await engineCount(index.name);
  await publish(
    lines.map((l, i) => ({
      routingKey: `app.${index.name}`,
      body: {
        message: `GET ${l.path} ${l.status}`,
        level: l.status >= 500 ? "error" : "info",
        host: "web-1",
        ...l,
      },
      options: { messageId: `${uniqueName("m")}-${i}` },
    })),
  );
  await waitFor("lines indexed", async () => (await engineCount(index.name)) === before + lines.length);
}

describe("alerts", () => {
  let collector: Collector;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: Awaited<ReturnType<typeof createTestUser>>;
  let index: LoggerIndex;
  let other: LoggerIndex;
  const running: AlertEvaluator[] = [];
  const asAdmin = (): As => ({ cookie: admin.cookie });

  function startEvaluators(n: number): void {
    for (let i = 0; i < n; i++) {
      const e = evaluator();
      e.start();
      running.push(e);
    }
  }

  async function createRule(body: Record<string, unknown>): Promise<PublicAlertRule> {
    const res = await call<{ alert: PublicAlertRule }>(alertsAdminPOST, "/api/admin/alerts", {
      method: "POST",
      body: { name: uniqueName("rule"), index: index.name, windowSeconds: 60, everySeconds: 1, ...body },
      as: asAdmin(),
    });
    expect(res.status, res.text).toBe(201);
    return res.body.alert;
  }

  async function alertsAs(as: As) {
    const res = await call<{ firing: number; alerts: PublicAlert[] }>(alertsGET, "/api/alerts", { as });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    receiver = await startReceiver();
    admin = await createTestUser("admin");
    index = await createTestIndex();
    other = await createTestIndex();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.stop()));
    // Each test's rules end with it, so the next test's evaluators do not evaluate them.
    await db().delete(alertRules);
  });

  afterAll(async () => {
    await collector.stop();
    await receiver.close();
    await dropTestIndex(index);
    await dropTestIndex(other);
  });

  it("fires once per path within two evaluation periods of a burst of 5xx lines, and resolves after it", async () => {
    const everySeconds = 2;
    const rule = await createRule({
      query: "status:500 status:503",
      condition: { op: "gt", value: 2 },
      groupBy: "path",
      webhookUrl: receiver.url("/ok/burst"),
      everySeconds,
    });
    // Two replicas, as a deployment with two evaluators has: neither may send what the other sent.
    startEvaluators(2);
    await sleep(everySeconds * 1000);
    expect(receiver.at("/ok/burst")).toEqual([]);

    // The burst is stamped 50 s ago, so that it leaves the 60 s window 10 s from now and the rule resolves.
    const burstAt = Date.now() - 50_000;
    const lines: Line[] = [
      ...Array.from({ length: 5 }, (_, i) => ({ path: "/api/orders", status: 500, time: burstAt + i })),
      ...Array.from({ length: 4 }, (_, i) => ({ path: "/api/users", status: 503, time: burstAt + i })),
      // Below the threshold on its own path, and lines that are not 5xx at all.
      { path: "/health", status: 500, time: burstAt },
      ...Array.from({ length: 20 }, (_, i) => ({ path: "/api/orders", status: 200, time: burstAt + i })),
    ];
    await publishLines(index, lines);
    const indexedAt = Date.now();

    const firing = await waitFor(
      "a firing event per path",
      polled(() => {
        const got = receiver.at("/ok/burst").filter((r) => r.body.event === "firing");
        return got.length >= 2 && got;
      }),
      20_000,
    );
    // Two periods, and a tick of the loop and the POST's own time besides.
    const tookMs = Math.max(...firing.map((r) => Date.parse(r.body.window.to))) - indexedAt;
    expect(tookMs).toBeLessThan(2 * everySeconds * 1000 + 1000);

    const byPath = new Map(firing.map((r) => [r.body.group, r.body]));
    expect([...byPath.keys()].sort()).toEqual(["/api/orders", "/api/users"]);
    const orders = byPath.get("/api/orders")!;
    expect(orders).toMatchObject({ event: "firing", value: 5, group: "/api/orders" });
    expect(orders.rule).toMatchObject({ id: rule.id, index: index.name, groupBy: "path" });
    expect(orders.window.seconds).toBe(60);
    expect(orders.text).toContain("[FIRING]");
    expect(orders.text).toContain("path=/api/orders");
    expect(orders.text).toContain(orders.link);
    expect(firing[0]!.attempt).toBe("1 of 3");

    // The link opens the reader on exactly the lines counted: the grep API, given its parameters, finds them.
    const link = new URL(orders.link);
    expect(link.pathname).toBe(`/grep/${index.name}`);
    expect(link.searchParams.get("from")).toBe(orders.window.from);
    expect(link.searchParams.get("to")).toBe(orders.window.to);
    const shown = await call<GrepResult>(grepGET, `/api/grep/${index.name}?${link.searchParams}`, {
      params: { logger: index.name },
      as: asAdmin(),
    });
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body.records).toHaveLength(5);
    expect(shown.body.records.every((r) => r.fields.path === "/api/orders" && r.fields.status === 500)).toBe(
      true,
    );

    const listed = await alertsAs(asAdmin());
    expect(listed.alerts.filter((a) => a.ruleId === rule.id && a.active)).toHaveLength(2);

    const resolved = await waitFor(
      "a resolved event per path",
      polled(() => {
        const got = receiver.at("/ok/burst").filter((r) => r.body.event === "resolved");
        return got.length >= 2 && got;
      }),
      30_000,
    );
    expect(resolved.map((r) => r.body.group).sort()).toEqual(["/api/orders", "/api/users"]);
    expect(resolved[0]!.body.text).toContain("[RESOLVED]");
    expect(resolved.every((r) => r.body.value === 0)).toBe(true);

    // Several more periods: nothing is sent again, by either replica.
    await sleep(3 * everySeconds * 1000);
    const all = receiver.at("/ok/burst");
    expect(all.map((r) => `${r.body.event} ${r.body.group}`).sort()).toEqual([
      "firing /api/orders",
      "firing /api/users",
      "resolved /api/orders",
      "resolved /api/users",
    ]);
    const after = await alertsAs(asAdmin());
    const mine = after.alerts.filter((a) => a.ruleId === rule.id);
    expect(mine.map((a) => a.status)).toEqual(["resolved", "resolved"]);
    expect(mine.every((a) => a.delivery?.status === "sent")).toBe(true);
  });

  it("tries a failing webhook M times, attempt N of M, then marks it failed", async () => {
    await publishLines(index, [{ path: "/x", status: 500, time: Date.now() }]);
    const rule = await createRule({
      query: "status:500",
      condition: { op: "gt", value: 0 },
      webhookUrl: receiver.url("/fail/hook"),
    });
    startEvaluators(1);

    const tries = await waitFor(
      "three attempts",
      polled(() => {
        const got = receiver.at("/fail/hook");
        return got.length >= 3 && got;
      }),
    );
    expect(tries.map((t) => t.attempt)).toEqual(["1 of 3", "2 of 3", "3 of 3"]);
    expect(new Set(tries.map((t) => t.body.event))).toEqual(new Set(["firing"]));

    const alert = await waitFor("the delivery marked failed", async () => {
      const a = (await alertsAs(asAdmin())).alerts.find((x) => x.ruleId === rule.id);
      return a?.delivery?.status === "failed" && a;
    });
    expect(alert.delivery).toMatchObject({ attempts: 3 });
    expect(alert.delivery!.lastError).toContain("attempt 3 of 3: HTTP 500");
    // Still firing: the alert itself does not depend on its webhook.
    expect(alert.active).toBe(true);
    await sleep(1500);
    expect(receiver.at("/fail/hook")).toHaveLength(3);
  });

  it("does not send twice when an evaluator process is killed in the middle of an evaluation, or after sending", async () => {
    await publishLines(index, [{ path: "/killed", status: 500, time: Date.now() }]);
    const rule = await createRule({
      query: "status:500",
      condition: { op: "gt", value: 0 },
      webhookUrl: receiver.url("/ok/kill"),
    });

    // Holding the rule's row makes the evaluator wait inside its transaction, after counting, as it writes the
    // state that references the row: it is stopped mid-evaluation, with its state and event not yet committed.
    const holder = await db().$client.connect();
    let first: ChildProcess | null = null;
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM alert_rules WHERE id = $1 FOR UPDATE", [rule.id]);
      const proc = startEvaluatorProcess();
      first = proc.child;
      await waitFor(
        "the evaluator blocked mid-evaluation",
        async () => {
          const { rows } = await holder.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()",
          );
          return Number(rows[0]!.n) > 0;
        },
        60_000,
      );
      await kill(first);
    } finally {
      await holder.query("COMMIT");
      holder.release();
      if (first) await kill(first);
    }
    expect(receiver.at("/ok/kill")).toEqual([]);
    // The killed evaluation left nothing: its backend rolls back once it gets the lock and finds the client gone.
    await waitFor("the killed evaluation rolled back", async () => {
      const { rows } = await db().$client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_locks WHERE NOT granted",
      );
      return Number(rows[0]!.n) === 0;
    });

    const second = startEvaluatorProcess();
    try {
      await waitFor(
        "the firing event",
        polled(() => receiver.at("/ok/kill").length >= 1),
        60_000,
      );
      await waitFor("the event marked sent", async () => {
        const [n] = await db()
          .select()
          .from(alertNotifications)
          .where(eq(alertNotifications.ruleId, rule.id));
        return n?.status === "sent";
      });
    } finally {
      await kill(second.child);
    }
    // A restart after sending: the new process finds the alert firing and its event sent.
    const third = startEvaluatorProcess();
    try {
      await waitFor(
        "the restarted evaluator evaluating",
        async () => {
          const [r] = await db().select().from(alertRules).where(eq(alertRules.id, rule.id));
          return (
            r!.evaluatedAt !== null &&
            Date.now() - r!.evaluatedAt.getTime() < 1500 &&
            third.output().length > 0
          );
        },
        60_000,
      );
      await sleep(3000);
    } finally {
      await kill(third.child);
    }
    expect(receiver.at("/ok/kill").map((r) => r.body.event)).toEqual(["firing"]);
    const events = await db().select().from(alertNotifications).where(eq(alertNotifications.ruleId, rule.id));
    expect(events).toHaveLength(1);
  });

  it("shows viewers the alerts of their indexes only, and lets them clear those, one group or all", async () => {
    const now = Date.now();
    await publishLines(index, [
      { path: "/a", status: 500, time: now },
      { path: "/b", status: 500, time: now },
    ]);
    await publishLines(other, [{ path: "/secret", status: 500, time: now }]);
    const mine = await createRule({
      query: "status:500 path:/a path:/b",
      condition: { op: "gt", value: 0 },
      groupBy: "path",
    });
    const hidden = await createRule({
      index: other.name,
      query: "status:500",
      condition: { op: "gt", value: 0 },
    });
    startEvaluators(1);
    await waitFor("both rules firing", async () => {
      const { alerts } = await alertsAs(asAdmin());
      return alerts.filter((a) => a.active && (a.ruleId === mine.id || a.ruleId === hidden.id)).length === 3;
    });

    const viewer = await createTestUser("viewer", [index.name]);
    const asViewer: As = { cookie: viewer.cookie };
    const seen = await alertsAs(asViewer);
    expect(seen.alerts.map((a) => a.index)).toEqual([index.name, index.name]);
    expect(seen.alerts.some((a) => a.ruleId === hidden.id)).toBe(false);
    expect(seen.firing).toBe(2);

    const refused = await call(clearPOST, `/api/alerts/${hidden.id}/clear`, {
      method: "POST",
      params: { id: String(hidden.id) },
      body: {},
      as: asViewer,
    });
    expect(refused.status).toBe(404);

    const one = await call<{ cleared: PublicAlert[] }>(clearPOST, `/api/alerts/${mine.id}/clear`, {
      method: "POST",
      params: { id: String(mine.id) },
      body: { group: "/a" },
      as: asViewer,
    });
    expect(one.status, one.text).toBe(200);
    expect(one.body.cleared).toMatchObject([{ group: "/a", clearedBy: viewer.username, active: false }]);
    expect((await alertsAs(asViewer)).firing).toBe(1);
    // Cleared stays cleared while the condition still holds, evaluation after evaluation.
    await sleep(2500);
    expect((await alertsAs(asViewer)).firing).toBe(1);

    const all = await call<{ cleared: PublicAlert[] }>(clearPOST, `/api/alerts/${mine.id}/clear`, {
      method: "POST",
      params: { id: String(mine.id) },
      body: {},
      as: asViewer,
    });
    expect(all.body.cleared.map((a) => a.group)).toEqual(["/b"]);
    expect((await alertsAs(asViewer)).firing).toBe(0);
    // The admin still sees the other index's alert firing.
    expect((await alertsAs(asAdmin())).alerts.find((a) => a.ruleId === hidden.id)?.active).toBe(true);
  });

  it("answers hostile rules with a 400 that names the field, and manages rules through the admin API", async () => {
    const base = { name: "r", index: index.name, windowSeconds: 300, condition: { op: "gt", value: 1 } };
    const post = (body: unknown, as: As = asAdmin()) =>
      call(alertsAdminPOST, "/api/admin/alerts", { method: "POST", body, as });
    const cases: [unknown, RegExp][] = [
      [{ ...base, query: 'message:"never closed' }, /^query: /],
      [{ ...base, windowSeconds: 0 }, /^windowSeconds: /],
      [{ ...base, webhookUrl: "ftp://hooks.example.com/x" }, /^webhookUrl: /],
      [{ ...base, webhookUrl: "not a url" }, /^webhookUrl: /],
      [{ ...base, condition: { op: "gt" } }, /^condition\.value: /],
      [{ ...base, groupBy: "a b" }, /^groupBy: /],
      [{ ...base, everySeconds: -5 }, /^everySeconds: /],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe("bad_request");
      expect(res.body.error?.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await post({ ...base, index: uniqueName("none") })).status).toBe(404);
    const viewer = await createTestUser("viewer");
    expect((await post(base, { cookie: viewer.cookie })).status).toBe(403);
    expect(await db().select().from(alertRules)).toEqual([]);

    const created = await post({ ...base, webhookUrl: "https://hooks.example.com/x" });
    expect(created.status).toBe(201);
    const { alert } = created.body as { alert: PublicAlertRule };
    expect(alert).toMatchObject({ index: index.name, everySeconds: 30, groupBy: null, enabled: true });
    const id = String(alert.id);

    const bad = await call(alertPATCH, `/api/admin/alerts/${id}`, {
      method: "PATCH",
      params: { id },
      body: { windowSeconds: 0 },
      as: asAdmin(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/^windowSeconds: /);
    const patched = await call<{ alert: PublicAlertRule }>(alertPATCH, `/api/admin/alerts/${id}`, {
      method: "PATCH",
      params: { id },
      body: { enabled: false, condition: { op: "change", value: 50 } },
      as: asAdmin(),
    });
    expect(patched.body.alert).toMatchObject({ enabled: false, condition: { op: "change", value: 50 } });
    const got = await call<{ alert: PublicAlertRule }>(alertGET, `/api/admin/alerts/${id}`, {
      params: { id },
      as: asAdmin(),
    });
    expect(got.body.alert.condition.op).toBe("change");
    const listed = await call<{ alerts: PublicAlertRule[] }>(alertsAdminGET, "/api/admin/alerts", {
      as: asAdmin(),
    });
    expect(listed.body.alerts.map((a) => a.id)).toEqual([alert.id]);
    const deleted = await call(alertDELETE, `/api/admin/alerts/${id}`, {
      method: "DELETE",
      params: { id },
      as: asAdmin(),
    });
    expect(deleted.status).toBe(204);
    expect((await call(alertGET, `/api/admin/alerts/${id}`, { params: { id }, as: asAdmin() })).status).toBe(
      404,
    );
  });
});
