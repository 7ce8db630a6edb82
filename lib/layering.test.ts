/**
 * The layering of lib/: a folder may import another only if that one does not import it back, directly or
 * through others, and nothing else in lib/ imports lib/api, the one part that knows HTTP. A top-level file
 * (lib/env.ts) counts as a folder of its own. Type-only and dynamic imports count too: they tie two folders
 * together for a reader as much as any other import.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const LIB = path.resolve(import.meta.dirname);
const SOURCE = /\.tsx?$/;
const TEST = /\.test\.tsx?$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return SOURCE.test(e.name) && !TEST.test(e.name) && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The folder under lib/ a path lies in, or the top-level file itself; null outside lib/. */
function nodeOf(file: string): string | null {
  const rel = path.relative(LIB, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return null;
  const [first, ...rest] = rel.split(path.sep);
  if (rest.length > 0 || (fs.existsSync(file) && fs.statSync(file).isDirectory())) return first!;
  return SOURCE.test(first!) ? first! : `${first}.ts`;
}

function importedNodes(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  const nodes: string[] = [];
  for (const { fileName: spec } of importedFiles) {
    let target: string;
    if (spec.startsWith("@/")) target = path.join(LIB, "..", spec.slice(2));
    else if (spec.startsWith(".")) target = path.resolve(path.dirname(file), spec);
    else continue;
    const node = nodeOf(target);
    if (node) nodes.push(node);
  }
  return nodes;
}

/** from → to → the files of `from` that import `to`. */
type Graph = Map<string, Map<string, Set<string>>>;

function libGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(LIB)) {
    const from = nodeOf(file)!;
    for (const to of importedNodes(file)) {
      if (to === from) continue;
      const edges = graph.get(from) ?? new Map<string, Set<string>>();
      graph.set(from, edges);
      const files = edges.get(to) ?? new Set<string>();
      edges.set(to, files);
      files.add(path.relative(path.join(LIB, ".."), file));
    }
  }
  return graph;
}

const describeEdge = (graph: Graph, from: string, to: string) =>
  `${from} -> ${to} (${[...graph.get(from)!.get(to)!].sort().join(", ")})`;

/** Strongly connected components with more than one node: every set of folders that import each other round. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("lib/ layering", () => {
  const graph = libGraph();

  it("reads the imports it checks", () => {
    expect(graph.get("api")?.has("auth")).toBe(true);
  });

  it("has no two folders that import each other", () => {
    const mutual: string[] = [];
    for (const [from, edges] of graph)
      for (const to of edges.keys())
        if (from < to && graph.get(to)?.has(from))
          mutual.push(`${describeEdge(graph, from, to)} and ${describeEdge(graph, to, from)}`);
    expect(mutual).toEqual([]);
  });

  it("has no longer cycle of folders either", () => {
    const longer = cycles(graph)
      .filter((c) => c.length > 2)
      .map((c) =>
        c.flatMap((from) =>
          c.filter((to) => graph.get(from)?.has(to)).map((to) => describeEdge(graph, from, to)),
        ),
      );
    expect(longer).toEqual([]);
  });

  it("keeps lib/api, the only part that knows HTTP, imported by no other part of lib/", () => {
    const intoApi = [...graph.keys()]
      .filter((from) => from !== "api" && graph.get(from)!.has("api"))
      .map((from) => describeEdge(graph, from, "api"));
    expect(intoApi).toEqual([]);
  });
});
