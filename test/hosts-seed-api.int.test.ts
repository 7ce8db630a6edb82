/**
 * The Logging Aggregator's REST API as its README calls it: the production build of the web app on the isolated
 * stack, holding the README's hosts, files and lines (published through RabbitMQ to a real collector), asked the
 * README's four example requests over HTTP with its lower-case `bearer` scheme, and the answers compared with the
 * README's. The README's lines are from December 2021, older than any index keeps; they are stored the same
 * number of whole seconds later (SHIFT_S), so every `last_modified` is the README's plus SHIFT_S.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Collector } from "@/lib/collector/collector";
import type { LoggerIndex } from "@/db/schema";
import { buildWorkers } from "./collector-command";
import { ensureWebBuild, startWeb, type Web } from "./web-process";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  publish,
  uniqueName,
  waitFor,
} from "./helpers";

/** The README's lines: its hosts, files, texts and `last_modified` values, as its examples show them. */
const README_LINES = [
  {
    host: "andynewman",
    filename: "fsck_apfs_error.log",
    logline: "fsck_apfs completed at Tue Dec 14 07:59:50 2021",
    last_modified: "1639596366.62149810791015625",
  },
  {
    host: "andynewman",
    filename: "other_log",
    logline: "three log lines",
    last_modified: "1639525487.50638103485107421875",
  },
  {
    host: "andynewman",
    filename: "syslog",
    logline: "line three",
    last_modified: "1639508052.062982082366943359375",
  },
  {
    host: "andynewman",
    filename: "syslog",
    logline: "Line one",
    last_modified: "1639508052.0629189014434814453125",
  },
];
/** Lines the README implies but does not show: the other host, and an older match that `count=2` cuts. */
const MORE_LINES = [
  { host: "othersystem", filename: "syslog", logline: "booted", last_modified: "1639590000.250" },
  {
    host: "andynewman",
    filename: "other_log",
    logline: "three workers started",
    last_modified: "1639500000.000",
  },
];

const README_HOSTS = ["andynewman", "othersystem"];

/** README example 2's files, in its order (which is no order: the seed's store returned them so). */
const README_FILES = ["fsck_apfs_error.log", "syslog", "other_log"];

/** The README's epoch seconds to milliseconds, as alco keeps them. */
const msOf = (seconds: string) => {
  const [whole, fraction = ""] = seconds.split(".");
  return Number(whole) * 1000 + Math.round(Number(`0.${fraction || "0"}`) * 1000);
};

/** Whole seconds that put the README's newest line an hour ago. */
const SHIFT_S =
  Math.floor(Date.now() / 1000) - 3600 - Math.floor(msOf(README_LINES[0]!.last_modified) / 1000);

/** A README `last_modified` as this stack writes it: SHIFT_S later, to the millisecond. */
function shifted(seconds: string): string {
  const ms = msOf(seconds) + SHIFT_S * 1000;
  return `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, "0")}`;
}

type Answer = {
  status: number;
  type: string | null;
  location: string | null;
  csp: string | null;
  body: unknown;
};

describe("the Logging Aggregator's REST API, as its README calls it", () => {
  const env = collectorEnv();
  const suffix = uniqueName("s").slice(2);
  let web: Web | null = null;
  const webLog = () => (web?.lines ?? []).map((l) => l.text).join("\n");
  let collector: Collector;
  let index: LoggerIndex;
  let base = "";
  let token = "";

  /** What a client written against the README sends (a path, or a link an answer gave): its scheme spelt as the README spells it, no redirects. */
  async function get(pathAndQuery: string, auth: string | null = `bearer ${token}`): Promise<Answer> {
    const res = await fetch(new URL(pathAndQuery, base), {
      headers: auth ? { authorization: auth } : {},
      redirect: "manual",
    });
    const text = await res.text();
    const type = res.headers.get("content-type");
    return {
      status: res.status,
      type,
      location: res.headers.get("location"),
      csp: res.headers.get("content-security-policy"),
      body: type?.includes("json") ? JSON.parse(text) : text,
    };
  }

  /** The README's answer with its links on this server and its times SHIFT_S later. */
  const onThisStack = <T extends { url?: string; last_modified?: string }>(entries: T[]): T[] =>
    entries.map((e) => ({
      ...e,
      ...(e.url ? { url: e.url.replace("http://127.0.0.1:3032", base) } : {}),
      ...(e.last_modified ? { last_modified: shifted(e.last_modified) } : {}),
    }));

  type SeedLine = { filename: string; last_modified: string; logline: string; host: string };
  const seedKeys = (data: unknown): SeedLine[] =>
    (data as SeedLine[]).map(({ filename, last_modified, logline, host }) => ({
      filename,
      last_modified,
      logline,
      host,
    }));
  /**
   * Newest first, and lines of the same millisecond by text: "Line one" and "line three" are 63 µs apart in the
   * README, one millisecond here, and alco orders a tie by record id, which is a hash.
   */
  const tiesByText = (lines: SeedLine[]) =>
    [...lines].sort(
      (a, b) => Number(b.last_modified) - Number(a.last_modified) || (a.logline < b.logline ? -1 : 1),
    );

  beforeAll(async () => {
    await ensureWebBuild();
    buildWorkers();
    // Started now, awaited once the data is in: the server boots while the collector stores it.
    const webStarting = startWeb({}).then((w) => (web = w));

    index = await createTestIndex();
    collector = new Collector(env, { log: () => undefined });
    await collector.start();
    const lines = [...README_LINES, ...MORE_LINES];
    await publish(
      lines.map((l, k) => ({
        routingKey: `app.${index.name}`,
        body: {
          timestamp: new Date(msOf(l.last_modified) + SHIFT_S * 1000).toISOString(),
          message: l.logline,
          host: l.host,
          logger: "henrik",
          file: l.filename,
        },
        options: { messageId: `seed-${suffix}-${k}` },
      })),
    );
    await waitFor("lines stored", async () => (await engineCount(index.name)) === lines.length);
    token = (await createTestToken("read")).token;
    await webStarting;
    base = web!.baseUrl;
  }, 900_000);

  afterAll(async () => {
    await web?.stop();
    await collector?.stop();
    if (index) await dropTestIndex(index);
  });

  it("GET /hosts/ lists the hosts with their links", async () => {
    const res = await get("/hosts/");
    expect(res.status, webLog()).toBe(200);
    const data = (res.body as { data: { host: string; url: string }[] }).data;
    expect(data.filter((h) => README_HOSTS.includes(h.host)).map(({ host, url }) => ({ host, url }))).toEqual(
      onThisStack([
        { host: "andynewman", url: "http://127.0.0.1:3032/hosts/andynewman/" },
        { host: "othersystem", url: "http://127.0.0.1:3032/hosts/othersystem/" },
      ]),
    );
  });

  it("GET /hosts/andynewman/ lists the host's files, each linking to its lines", async () => {
    const res = await get("/hosts/andynewman/");
    expect(res.status).toBe(200);
    const data = (res.body as { data: { filename: string; host: string; url: string }[] }).data;
    const readme = onThisStack(
      README_FILES.map((filename) => ({
        filename,
        host: "andynewman",
        url: `http://127.0.0.1:3032/hosts/andynewman/logs?file=${filename}`,
      })),
    );
    // The same entries; alco gives them by name.
    expect(data.map(({ filename, host, url }) => ({ filename, host, url }))).toEqual(
      [...readme].sort((a, b) => (a.filename < b.filename ? -1 : 1)),
    );
    // syslog's lines are more than a day older than fsck's: "all files" means whenever they were written.
    expect(data.find((f) => f.filename === "syslog")).toMatchObject({ lines: 2 });
    const followed = await get(data.find((f) => f.filename === "syslog")!.url);
    expect(tiesByText(seedKeys((followed.body as { data: unknown }).data)).map((l) => l.logline)).toEqual([
      "Line one",
      "line three",
    ]);
  });

  it("GET /hosts/andynewman/files/ gives the file names", async () => {
    const res = await get("/hosts/andynewman/files/");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: ["fsck_apfs_error.log", "other_log", "syslog"] });
  });

  it("GET /hosts/andynewman/logs gives the host's lines newest first, with the README's values", async () => {
    const res = await get("/hosts/andynewman/logs");
    expect(res.status).toBe(200);
    const lines = seedKeys((res.body as { data: unknown }).data);
    // Every key the README shows, with its value; `last_modified` epoch seconds with a fraction, as a string.
    for (const line of lines) expect(line.last_modified).toMatch(/^\d+\.\d{3}$/);
    expect(tiesByText(lines)).toEqual(tiesByText(onThisStack([...README_LINES, MORE_LINES[1]!])));
    // The README's example answer shows two of them, in this order.
    const shown = onThisStack([README_LINES[0]!, README_LINES[3]!]);
    expect(lines.filter((l) => shown.some((s) => s.logline === l.logline))).toEqual(shown);
  });

  it("GET /hosts/andynewman/logs?file=syslog&filter=three&count=2 keeps to the file, the filter and the count", async () => {
    // The README's answer to this request also holds other_log's line: its `file` was not applied there.
    const asked = await get("/hosts/andynewman/logs?file=syslog&filter=three&count=2");
    expect(asked.status).toBe(200);
    expect(seedKeys((asked.body as { data: unknown }).data)).toEqual(onThisStack([README_LINES[2]!]));
    // Without `file`, the README's answer exactly: two of the three lines with "three", newest first.
    const unfiled = await get("/hosts/andynewman/logs?filter=three&count=2");
    expect(seedKeys((unfiled.body as { data: unknown }).data)).toEqual(
      onThisStack([README_LINES[1]!, README_LINES[2]!]),
    );
  });

  it("answers with and without the trailing slash, never with a redirect", async () => {
    for (const p of [
      "/hosts",
      "/hosts/",
      "/hosts/andynewman",
      "/hosts/andynewman/",
      "/hosts/andynewman/files",
      "/hosts/andynewman/files/",
      "/hosts/andynewman/logs",
      "/hosts/andynewman/logs/",
      "/api/hosts/andynewman/",
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.type, p).toContain("application/json");
      // Not a page: the API's closed policy, not a page's nonce policy.
      expect(res.csp, p).toBe("default-src 'none'; frame-ancestors 'none'");
    }
    // Pages keep theirs.
    const page = await get("/login/", null);
    expect(page.status).toBe(308);
    expect(page.location).toMatch(/\/login$/);
  });

  it("takes the scheme in any case, and refuses no token or a wrong one with the API's error, not a page", async () => {
    expect((await get("/hosts/", `Bearer ${token}`)).status).toBe(200);
    expect((await get("/hosts/", `BEARER ${token}`)).status).toBe(200);
    for (const p of ["/hosts/", "/hosts/andynewman/", "/hosts/andynewman/files/", "/hosts/andynewman/logs"]) {
      for (const auth of [null, "bearer SECRETCODE"]) {
        const res = await get(p, auth);
        expect(res.status, `${p} ${auth}`).toBe(401);
        expect(res.type, p).toContain("application/json");
        expect((res.body as { error: { code: string } }).error.code, p).toBe("unauthorized");
      }
    }
  });

  it("answers 404 in the API's error shape for a host no index knows", async () => {
    const res = await get(`/hosts/nobody-${suffix}/logs`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: "not_found", message: `no host named "nobody-${suffix}" in the indexes you can read` },
    });
  });
});
