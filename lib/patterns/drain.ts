/**
 * Streaming clustering of log lines into templates, after Drain (He et al., ICWS 2017): a line walks a tree of
 * fixed depth — its token count, then its first few tokens — to a leaf holding a handful of clusters, joins the
 * most similar one if enough of its tokens agree, and turns the tokens that differ into placeholders. One pass,
 * each line compared with the few clusters of its leaf only, so the cost grows with the lines, not their square.
 *
 * Lines with a stack trace are only ever grouped with lines of the same exception type and innermost frame: the
 * trace signature is part of the tree's first level, next to the token count.
 */
import { PLACEHOLDER, type MaskedLine, type TraceSignature } from "./mask-line";

export type DrainOptions = {
  /** How many leading tokens pick the leaf (the tree's depth minus its two fixed levels). */
  prefixTokens: number;
  /** The share of a line's tokens that must equal the template's fixed tokens to join it. */
  similarity: number;
  /** Children per tree node; beyond it new tokens share the placeholder branch, bounding memory. */
  maxChildren: number;
  /** Clusters in all; beyond it lines that fit none are counted in the nearest leaf's catch-all. */
  maxClusters: number;
};

export const DEFAULT_DRAIN_OPTIONS: DrainOptions = {
  prefixTokens: 2,
  similarity: 0.4,
  maxChildren: 100,
  maxClusters: 1000,
};

export type Cluster = {
  /** Dense, in the order the clusters were made. */
  id: number;
  tokens: string[];
  trace?: TraceSignature;
  size: number;
};

type TreeNode = { children: Map<string, TreeNode>; clusters: Cluster[] };

const newNode = (): TreeNode => ({ children: new Map(), clusters: [] });

/** Tokens that hold a digit or a placeholder vary too much to choose a branch by. */
const variable = (t: string) => t.includes(PLACEHOLDER) || /\d/.test(t);

export class Drain {
  private readonly root = newNode();
  private readonly all: Cluster[] = [];
  private readonly options: DrainOptions;

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DEFAULT_DRAIN_OPTIONS, ...options };
  }

  get clusters(): readonly Cluster[] {
    return this.all;
  }

  /** Adds a line; returns the cluster it joined or founded. */
  add(line: MaskedLine): Cluster {
    const leaf = this.leaf(line, true);
    const best = this.bestOf(leaf.clusters, line);
    if (best && best.similarity >= this.options.similarity) {
      return this.merge(best.cluster, line);
    }
    if (this.all.length >= this.options.maxClusters && best) {
      // Full: generalise the nearest cluster rather than grow without bound.
      return this.merge(best.cluster, line);
    }
    const c: Cluster = { id: this.all.length, tokens: [...line.tokens], size: 1 };
    if (line.trace) c.trace = line.trace;
    leaf.clusters.push(c);
    this.all.push(c);
    return c;
  }

  private merge(c: Cluster, line: MaskedLine): Cluster {
    c.size++;
    for (let i = 0; i < c.tokens.length; i++) if (c.tokens[i] !== line.tokens[i]) c.tokens[i] = PLACEHOLDER;
    return c;
  }

  /** The cluster whose template the line fits exactly (every fixed token equal), without changing anything. */
  match(line: MaskedLine): Cluster | undefined {
    const leaf = this.leaf(line, false);
    return leaf?.clusters.find((c) => fitsTemplate(c.tokens, line.tokens));
  }

  private leaf(line: MaskedLine, create: true): TreeNode;
  private leaf(line: MaskedLine, create: false): TreeNode | undefined;
  private leaf(line: MaskedLine, create: boolean): TreeNode | undefined {
    const key = `${line.tokens.length}\u0000${line.trace ? `${line.trace.type}\u0000${line.trace.frame}` : ""}`;
    let node = this.child(this.root, key, create, false);
    const depth = Math.min(this.options.prefixTokens, line.tokens.length);
    for (let i = 0; i < depth && node; i++) {
      const t = line.tokens[i]!;
      node = this.child(node, variable(t) ? PLACEHOLDER : t, create, true);
    }
    return node;
  }

  private child(node: TreeNode, key: string, create: boolean, bounded: boolean): TreeNode | undefined {
    const found = node.children.get(key);
    if (found) return found;
    if (bounded) {
      const wildcard = node.children.get(PLACEHOLDER);
      if (!create) return wildcard;
      if (node.children.size >= this.options.maxChildren) key = PLACEHOLDER;
      const again = node.children.get(key);
      if (again) return again;
    } else if (!create) return undefined;
    const made = newNode();
    node.children.set(key, made);
    return made;
  }

  private bestOf(clusters: Cluster[], line: MaskedLine) {
    let best: { cluster: Cluster; similarity: number; params: number } | undefined;
    for (const cluster of clusters) {
      let same = 0;
      let params = 0;
      for (let i = 0; i < cluster.tokens.length; i++) {
        const t = cluster.tokens[i]!;
        if (t === PLACEHOLDER) params++;
        else if (t === line.tokens[i]) same++;
      }
      // Only fixed tokens that agree count as evidence; among equals, the more general template wins.
      const score = cluster.tokens.length === 0 ? 1 : same / cluster.tokens.length;
      if (!best || score > best.similarity || (score === best.similarity && params > best.params))
        best = { cluster, similarity: score, params };
    }
    return best;
  }
}

/** Whether `tokens` fit `template`: same length, every fixed token equal. */
export function fitsTemplate(template: readonly string[], tokens: readonly string[]): boolean {
  if (template.length !== tokens.length) return false;
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t !== PLACEHOLDER && t !== tokens[i]) return false;
  }
  return true;
}
