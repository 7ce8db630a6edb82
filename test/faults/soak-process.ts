/**
 * Child processes for the soak test: spawned with their output kept (the last lines, for a failure message, and
 * the whole of it in a log file under tmp/), their resident set read from /proc, and stopped the way an operator
 * stops them: SIGTERM, then SIGKILL if they do not exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";

const KEPT_LINES = 200;

export type Spawned = {
  name: string;
  child: ChildProcess;
  pid: number;
  /** The last lines it wrote to stdout and stderr. */
  lastLines: () => string[];
  /** Null while it runs. */
  exit: () => { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGTERM, then SIGKILL after graceMs; also SIGKILLs `extraPids` (children found meanwhile) left behind. */
  stop: (graceMs?: number) => Promise<void>;
  extraPids: Set<number>;
};

export function spawnLogged(
  name: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): Spawned {
  const child = spawn(args[0]!, args.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const log = createWriteStream(opts.logFile);
  const lines: string[] = [];
  let partial = "";
  const keep = (b: Buffer) => {
    log.write(b);
    const parts = (partial + b.toString()).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const extraPids = new Set<number>();
  const pid = child.pid;
  return {
    name,
    child,
    pid,
    lastLines: () => (partial ? [...lines, partial] : [...lines]),
    exit: () => exited,
    extraPids,
    stop: async (graceMs = 10_000) => {
      if (!exited) {
        child.kill("SIGTERM");
        await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, graceMs))]);
        if (!exited) child.kill("SIGKILL");
        await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 2000))]);
      }
      for (const extra of extraPids) {
        try {
          process.kill(extra, "SIGKILL");
        } catch {
          // Already gone with its parent.
        }
      }
      await new Promise<void>((r) => log.end(r));
    },
  };
}

/** VmRSS of a process in bytes, or null once it is gone. */
export async function rssBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/** Clock ticks a second in /proc/<pid>/stat: USER_HZ, 100 on every Linux this runs on. */
const USER_HZ = 100;

/** CPU time a process has used (user + system), in seconds, or null once it is gone. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat; here counted from field 3 (state) on.
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

async function parentPid(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may hold spaces or parentheses itself: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return null;
  }
}

/** The process and every process below it. */
export async function processTree(root: number): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((d) => /^\d+$/.test(d)).map(Number);
  const parents = new Map<number, number>();
  await Promise.all(
    pids.map(async (p) => {
      const pp = await parentPid(p);
      if (pp !== null) parents.set(p, pp);
    }),
  );
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parents) {
      if (!tree.has(p) && tree.has(pp)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return [...tree];
}

async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] as HEXIP:HEXPORT; state 0A is LISTEN; the inode is the tenth column.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A" && cols[9]) inodes.add(cols[9]);
    }
  }
  return inodes;
}

/**
 * The process under `root` that holds the listening socket on `port`: `next start` may serve from a child of
 * the process that was spawned, and that child's memory is the server's.
 */
export async function listenerPid(root: number, port: number): Promise<number | null> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of await processTree(root)) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return pid;
    }
  }
  return null;
}

/** The searchd serving a data dir: the stack's supervisor does not say its pid. */
export async function findSearchd(dataDir: string): Promise<number | null> {
  for (const d of await readdir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const argv = (await readFile(`/proc/${d}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (argv[0]?.endsWith("searchd") && argv.some((a) => a.startsWith(dataDir))) return Number(d);
  }
  return null;
}
