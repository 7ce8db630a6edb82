/**
 * Who is on the other end of a request. Only the TCP peer is a fact; `X-Forwarded-For`, `X-Forwarded-Proto` and
 * `X-Forwarded-Host` are claims that anyone can send, so they are believed only from the proxies named in
 * TRUSTED_PROXIES (addresses or CIDRs; none by default). Through a chain of trusted proxies the client is the
 * right-most hop in `X-Forwarded-For` that is not one of them: everything to its left was written by the client.
 *
 * A route handler sees a Web `Request`, not the socket, and `next start` copies a client's `X-Forwarded-For` in
 * place of the socket's address when one is sent. So alco's web server (workers/web.ts) writes the peer into a
 * header of its own on every request, tagged with a key made at its start; a request without that tag was not
 * served by it (plain `next start`, or a test calling a handler), and its address is one shared "unknown".
 */
import { BlockList, isIP } from "node:net";

/** The header workers/web.ts sets: `<key> <peer address>`. */
export const PEER_HEADER = "x-alco-peer";

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) is 10.0.0.1; brackets and a port around a hop are dropped. */
export function normalizeAddress(raw: string): string {
  let a = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1]! : a.toLowerCase();
}

export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;
  /** The entries, for logs. */
  readonly spec: string;

  /** `10.0.0.0/8, 127.0.0.1 ::1`: addresses and CIDRs, separated by commas or spaces. */
  constructor(spec: string) {
    const entries = spec.split(/[\s,]+/).filter(Boolean);
    for (const entry of entries) {
      const [address = "", bits] = entry.split("/");
      const a = normalizeAddress(address);
      const family = isIP(a);
      if (family === 0)
        throw new Error(`TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an address or CIDR`);
      const type = family === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) this.list.addAddress(a, type);
      else {
        const prefix = Number(bits);
        if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128))
          throw new Error(`TRUSTED_PROXIES: ${JSON.stringify(entry)} has a bad prefix length`);
        this.list.addSubnet(a, prefix, type);
      }
    }
    this.empty = entries.length === 0;
    this.spec = entries.join(", ");
  }

  has(address: string): boolean {
    const a = normalizeAddress(address);
    const family = isIP(a);
    return family !== 0 && this.list.check(a, family === 4 ? "ipv4" : "ipv6");
  }
}

export const UNKNOWN_PEER = "unknown";

/** The client's address: the peer itself, or from a trusted peer the right-most untrusted forwarded hop. */
export function resolveClient(peer: string, forwardedFor: string | null, trusted: TrustedProxies): string {
  const p = normalizeAddress(peer);
  if (!trusted.has(p) || !forwardedFor) return p;
  const hops = forwardedFor.split(",").map(normalizeAddress).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted.has(hops[i]!)) return hops[i]!;
  // Every hop is one of ours: the left-most is as far back as anyone trustworthy saw.
  return hops[0] ?? p;
}

/** The TCP peer as workers/web.ts saw it, or null when the request did not come through it with this key. */
export function peerAddress(req: Request, key: string | undefined): string | null {
  const header = req.headers.get(PEER_HEADER);
  if (!key || !header) return null;
  const space = header.indexOf(" ");
  return space > 0 && header.slice(0, space) === key ? header.slice(space + 1) : null;
}

export type RequestFacts = { client: string; https: boolean; host: string | null };

/** The client's address, whether it spoke HTTPS (to us, or to the trusted proxy in front), and the host it asked for. */
export function requestFacts(req: Request, key: string | undefined, trusted: TrustedProxies): RequestFacts {
  const peer = peerAddress(req, key);
  const ownHttps = new URL(req.url).protocol === "https:";
  const host = req.headers.get("host");
  if (peer === null) return { client: UNKNOWN_PEER, https: ownHttps, host };
  if (!trusted.has(peer)) return { client: normalizeAddress(peer), https: ownHttps, host };
  const first = (name: string) => req.headers.get(name)?.split(",")[0]?.trim() || null;
  return {
    client: resolveClient(peer, req.headers.get("x-forwarded-for") ?? req.headers.get("x-real-ip"), trusted),
    https: ownHttps || first("x-forwarded-proto")?.toLowerCase() === "https",
    host: first("x-forwarded-host") ?? host,
  };
}
