/**
 * The server-only rule (docs/ARCHITECTURE.md, "Server-only and workers"), checked over the import graph of the
 * source: what the web app reaches from app/ and proxy.ts, what plain Node reaches from workers/, e2e/ and bench/,
 * and what each "use client" module reaches. Type-only imports are erased by the compiler, so they are not edges.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

/** The drivers of PostgreSQL, Redis, RabbitMQ and searchd, and the Drizzle client and schema. */
const SERVICE_MODULES = /^(@\/db\/|ioredis$|amqplib$|mysql2(\/|$)|pg$)/;
/** The web app's env and connections: only the web app has them. */
const WEB_RUNTIME = new Set(["lib/env.ts", "lib/services.ts"]);

const MARKER = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*import "server-only";/;
const USE_CLIENT = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*["']use client["']/;
const STATIC_IMPORT =
  /^\s*(?:import|export)\s+(type\s+)?([^"';]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

type Module = { file: string; marked: boolean; client: boolean; specifiers: string[]; imports: string[] };

/** `{ type A, type B }` imports nothing at run time. */
function typeOnly(clause: string): boolean {
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (!braces) return false;
  const names = braces[1]!.split(",").map((n) => n.trim());
  return names.every((n) => n === "" || n.startsWith("type "));
}

function resolve(from: string, specifier: string): string | null {
  let base: string;
  if (specifier.startsWith("@/")) base = path.join(root, specifier.slice(2));
  else if (specifier.startsWith(".")) base = path.resolve(path.dirname(path.join(root, from)), specifier);
  // Workspace packages from their TypeScript source, as tsconfig.json maps them (scripts/build-workers.mjs bundles it).
  else if (specifier.startsWith("@alco/"))
    base = path.join(root, "packages", specifier.slice(6), "src/index");
  else return null;
  // The packages' sources name their siblings `./name.js`, as the ES modules they compile to must.
  const ts = base.replace(/\.js$/, ".ts");
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), ts]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return path.relative(root, candidate);
  }
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

const modules = new Map<string, Module>();
function load(file: string): Module {
  const known = modules.get(file);
  if (known) return known;
  const source = readFileSync(path.join(root, file), "utf8");
  const specifiers: string[] = [];
  for (const m of source.matchAll(STATIC_IMPORT)) {
    if (m[4]) specifiers.push(m[4]);
    else if (!m[1] && !typeOnly(m[2]!)) specifiers.push(m[3]!);
  }
  for (const m of source.matchAll(DYNAMIC_IMPORT)) specifiers.push(m[1]!);
  const imports = specifiers
    .map((s) => resolve(file, s))
    .filter((f): f is string => f !== null && /\.tsx?$/.test(f));
  const mod = { file, marked: MARKER.test(source), client: USE_CLIENT.test(source), specifiers, imports };
  modules.set(file, mod);
  return mod;
}

function reach(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...load(f).imports);
  }
  return seen;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

const touchesService = (m: Module) =>
  m.specifiers.some((s) => SERVICE_MODULES.test(s)) || m.imports.some((f) => f.startsWith("db/"));
const webRuntime = (m: Module) => m.imports.some((f) => WEB_RUNTIME.has(f));

// Run on plain Node, where the marker throws: the workers (from source under tsx, or bundled), and the browser
// tests and benchmarks, which set up their data through lib/ as the workers do.
const plainNode = [...sources("workers"), ...sources("e2e"), ...sources("bench")];
const plainNodeReach = new Map(plainNode.map((w) => [w, reach([w])]));
const fromPlainNode = new Set([...plainNodeReach.values()].flatMap((s) => [...s]));
const fromWeb = reach([...sources("app"), "proxy.ts"]);

describe("the server-only rule", () => {
  it("finds the modules it judges", () => {
    // A parser that found no imports would pass everything below.
    expect(fromWeb.size).toBeGreaterThan(100);
    expect(fromPlainNode.has("lib/collector/collector.ts")).toBe(true);
    expect([...fromWeb].filter((f) => load(f).marked).length).toBeGreaterThan(20);
  });

  it("marks every lib/ module of the web app that touches a service and plain Node does not import", () => {
    const unmarked = [...fromWeb]
      .filter((f) => f.startsWith("lib/") && !fromPlainNode.has(f))
      .map(load)
      .filter((m) => (touchesService(m) || webRuntime(m) || WEB_RUNTIME.has(m.file)) && !m.marked)
      .map((m) => m.file);
    expect(unmarked).toEqual([]);
  });

  it("keeps marked modules out of what runs on plain Node", () => {
    const reached = [...plainNodeReach].flatMap(([entry, files]) =>
      [...files].filter((f) => load(f).marked).map((f) => `${entry} -> ${f}`),
    );
    expect(reached).toEqual([]);
  });

  it("keeps the services and marked modules out of every client module", () => {
    const clients = [...sources("app"), ...sources("lib")].filter((f) => load(f).client);
    expect(clients.length).toBeGreaterThan(10);
    const leaks = clients.flatMap((c) =>
      [...reach([c])]
        .map(load)
        .filter((m) => m.marked || touchesService(m))
        .map((m) => `${c} -> ${m.file}`),
    );
    expect(leaks).toEqual([]);
  });

  it("keeps zod out of every client module", () => {
    // zod 4 builds each object schema by first trying `new Function("")`, to see whether it may compile a fast
    // parser: in the browser the page's policy (no unsafe-eval) blocks that and reports a violation.
    const clients = [...sources("app"), ...sources("lib")].filter((f) => load(f).client);
    const leaks = clients.flatMap((c) =>
      [...reach([c])]
        .map(load)
        .filter((m) => m.specifiers.some((s) => s === "zod" || s.startsWith("zod/")))
        .map((m) => `${c} -> ${m.file}`),
    );
    expect(leaks).toEqual([]);
  });
});
