/**
 * Shell-style file patterns to the regular files they match now. Per path segment: `*` (any run of characters
 * but `/`, not matching a leading dot), `?`, `[abc]`, `[a-z]`, `[!abc]` and `{a,b}`. There is no `**`: log
 * directories are flat, and walking a tree every second is not free. A pattern without wildcards names one file,
 * which may not exist yet. Unreadable directories are skipped.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

const MAGIC = /[*?[{]/;

export function hasMagic(segment: string): boolean {
  return MAGIC.test(segment);
}

/** One path segment's pattern as an anchored regular expression. */
export function segmentRegExp(segment: string): RegExp {
  let re = "";
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close === -1) {
        re += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith("!")) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, "\\\\")}]`;
      i = close;
    } else if (c === "{") {
      braces++;
      re += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
    } else if (c === "," && braces > 0) re += "|";
    else re += c.replace(/[.+^$()|\\\]}]/g, "\\$&");
  }
  if (braces > 0) return new RegExp(`^${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  // A leading `*` or `?` does not match dot files, as in a shell.
  return new RegExp(`^${/^[*?[]/.test(segment) ? "(?!\\.)" : ""}${re}$`);
}

async function expandOne(pattern: string): Promise<string[]> {
  const abs = path.resolve(pattern);
  const { root } = path.parse(abs);
  const segments = abs.slice(root.length).split(path.sep).filter(Boolean);
  let dirs = [root];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const next: string[] = [];
    if (!hasMagic(seg)) {
      for (const d of dirs) next.push(path.join(d, seg));
    } else {
      const re = segmentRegExp(seg);
      for (const d of dirs) {
        const names = await readdir(d).catch(() => [] as string[]);
        for (const n of names.sort()) if (re.test(n)) next.push(path.join(d, n));
      }
    }
    if (last) return next;
    dirs = next;
  }
  return dirs;
}

/** The regular files the patterns match now, each once, in pattern order then name order. */
export async function expandGlobs(patterns: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of patterns) {
    for (const file of await expandOne(p)) {
      if (out.has(file)) continue;
      const st = await stat(file).catch(() => null);
      if (st?.isFile()) out.add(file);
    }
  }
  return [...out];
}
