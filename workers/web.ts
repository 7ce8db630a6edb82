/**
 * The web app's server (`npm start`; `--dev` for development): Next.js behind a plain Node HTTP server that owns
 * the socket, because only the socket knows who the client is. Forwarding headers from a peer that is not in
 * TRUSTED_PROXIES are dropped before Next.js sees them, and every request carries the peer's address in
 * PEER_HEADER tagged with a key made here, so route handlers can tell it from anything a client sent
 * (lib/net/trusted-proxies.ts). Two-stage shutdown: the first signal stops accepting connections and lets
 * in-flight requests finish (live tails are streams, so at most GRACE_MS), a second exits at once.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import next from "next";
import { PEER_HEADER } from "@/lib/net/trusted-proxies";
import { envOrExit } from "@/lib/base-env";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";
import { parseWebEnv } from "@/lib/web-env";

const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-real-ip",
];
const GRACE_MS = 10_000;

const dev = process.argv.includes("--dev");
// The whole web env is parsed here, before Next.js loads the app, so that a production server missing a service
// URL stops now rather than at its first request. Without NODE_ENV, a server that is not --dev is a production
// one, as for `next start`, which this server stands in for.
const env = envOrExit(() =>
  parseWebEnv({
    ...process.env,
    NODE_ENV: process.env.NODE_ENV || (dev ? "development" : "production"),
  }),
);
const trusted = env.TRUSTED_PROXIES;
const key = randomBytes(24).toString("base64url");
// Before Next.js loads the app: lib/env.ts reads it there.
process.env.ALCO_PEER_KEY = key;

// The app is the working directory, as for `next start`.
const app = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
const handle = app.getRequestHandler();

await app.prepare();
const server = createServer((req, res) => {
  const peer = req.socket.remoteAddress ?? "";
  if (!trusted.has(peer)) for (const h of FORWARDING_HEADERS) delete req.headers[h];
  req.headers[PEER_HEADER] = `${key} ${peer}`;
  void handle(req, res);
});
const upgrade = app.getUpgradeHandler();
server.on("upgrade", (req, socket, head) => void upgrade(req, socket, head));
server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  console.log(
    `[web] ${dev ? "development" : "production"} server on http://${env.HOST}:${port}` +
      (trusted.empty ? "" : ` (forwarding headers believed from ${trusted.spec})`),
  );
});

onTwoStageShutdown({
  name: "web",
  // In-flight requests get GRACE_MS, then Next.js closes.
  graceMs: GRACE_MS + 5_000,
  stop: async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), GRACE_MS);
    await closed;
    clearTimeout(timer);
    await app.close();
  },
  abandon: () => {
    server.closeAllConnections();
    return "open requests and live tails are cut";
  },
});
