import { describe, expect, it } from "vitest";
import {
  PEER_HEADER,
  TrustedProxies,
  normalizeAddress,
  requestFacts,
  resolveClient,
} from "./trusted-proxies";

const KEY = "k".repeat(32);

function request(peer: string | null, headers: Record<string, string> = {}, key = KEY): Request {
  return new Request("http://alco.test/api/auth/login", {
    headers: { host: "alco.test", ...(peer === null ? {} : { [PEER_HEADER]: `${key} ${peer}` }), ...headers },
  });
}

describe("TrustedProxies", () => {
  it("holds addresses and CIDRs of both families", () => {
    const t = new TrustedProxies("10.0.0.0/8, 127.0.0.1 fd00::/8,::1");
    expect(["10.1.2.3", "127.0.0.1", "::ffff:127.0.0.1", "fd12::1", "::1"].map((a) => t.has(a))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["11.0.0.1", "127.0.0.2", "fe80::1", "not-an-address", ""].map((a) => t.has(a))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(new TrustedProxies("").empty).toBe(true);
  });

  it("names a bad entry", () => {
    expect(() => new TrustedProxies("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(() => new TrustedProxies("proxy.internal")).toThrow(/proxy\.internal/);
  });
});

describe("resolveClient", () => {
  const trusted = new TrustedProxies("10.0.0.0/8");

  it("is the peer itself when the peer is not a trusted proxy, whatever it forwards", () => {
    expect(resolveClient("203.0.113.5", "1.2.3.4", trusted)).toBe("203.0.113.5");
  });

  it("is the right-most hop that is not a trusted proxy", () => {
    expect(resolveClient("10.0.0.1", "198.51.100.1, 203.0.113.9, 10.0.0.7", trusted)).toBe("203.0.113.9");
    expect(resolveClient("10.0.0.1", "203.0.113.9:5555", trusted)).toBe("203.0.113.9");
    expect(resolveClient("10.0.0.1", "[2001:db8::1]:443", trusted)).toBe("2001:db8::1");
  });

  it("is the left-most hop when every hop is a trusted proxy, and the peer when nothing was forwarded", () => {
    expect(resolveClient("10.0.0.1", "10.0.0.9, 10.0.0.8", trusted)).toBe("10.0.0.9");
    expect(resolveClient("10.0.0.1", null, trusted)).toBe("10.0.0.1");
  });

  it("normalizes IPv4 seen through a dual-stack socket", () => {
    expect(normalizeAddress("::FFFF:192.0.2.1")).toBe("192.0.2.1");
  });
});

describe("requestFacts", () => {
  const trusted = new TrustedProxies("10.0.0.1");
  const forwarded = {
    "x-forwarded-for": "198.51.100.7",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "logs.example.com",
  };

  it("believes forwarding headers from a trusted peer", () => {
    expect(requestFacts(request("10.0.0.1", forwarded), KEY, trusted)).toEqual({
      client: "198.51.100.7",
      https: true,
      host: "logs.example.com",
    });
  });

  it("ignores them from any other peer", () => {
    expect(requestFacts(request("203.0.113.5", forwarded), KEY, trusted)).toEqual({
      client: "203.0.113.5",
      https: false,
      host: "alco.test",
    });
  });

  it("knows no client for a request that did not come through alco's server, or carries another key", () => {
    expect(requestFacts(request(null, forwarded), KEY, trusted).client).toBe("unknown");
    expect(requestFacts(request("10.0.0.1", forwarded, "x".repeat(32)), KEY, trusted).client).toBe("unknown");
    expect(requestFacts(request("10.0.0.1", forwarded), undefined, trusted).client).toBe("unknown");
  });
});
