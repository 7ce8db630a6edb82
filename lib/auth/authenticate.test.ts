import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors/app-error";
import { assertNotCrossSite, tokenFromAuthorization } from "./authenticate";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("tokenFromAuthorization", () => {
  it("reads a Bearer token", () => {
    expect(tokenFromAuthorization("Bearer alco_abc123")).toEqual({ token: "alco_abc123", via: "bearer" });
    expect(tokenFromAuthorization("bearer alco_abc123")).toEqual({ token: "alco_abc123", via: "bearer" });
  });

  it("reads the token from the password of Basic credentials, whatever the user name", () => {
    expect(tokenFromAuthorization(basic("promtail", "alco_abc123"))).toEqual({
      token: "alco_abc123",
      via: "basic",
    });
    expect(tokenFromAuthorization(basic("", "alco_abc123"))).toEqual({ token: "alco_abc123", via: "basic" });
    // A password may itself hold a colon: only the first one separates the user name.
    expect(tokenFromAuthorization(basic("u", "a:b"))).toEqual({ token: "a:b", via: "basic" });
  });

  it("takes Basic credentials without a password, and anything else, as no token", () => {
    expect(tokenFromAuthorization(basic("alco_abc123", ""))).toBeNull();
    expect(tokenFromAuthorization(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeNull();
    expect(tokenFromAuthorization("Digest username=x")).toBeNull();
    expect(tokenFromAuthorization("Bearer")).toBeNull();
    expect(tokenFromAuthorization(null)).toBeNull();
  });
});

describe("assertNotCrossSite", () => {
  const req = (headers: Record<string, string>) =>
    new Request("http://alco.test/api/ingest/app/loki/api/v1/push", {
      method: "POST",
      headers: { host: "alco.test", ...headers },
    });

  it("lets a shipper, which sends no browser headers, through", () => {
    expect(() => assertNotCrossSite(req({}))).not.toThrow();
    expect(() => assertNotCrossSite(req({ origin: "http://alco.test" }))).not.toThrow();
    expect(() => assertNotCrossSite(req({ "sec-fetch-site": "same-origin" }))).not.toThrow();
  });

  it("refuses what a browser marks as coming from another site", () => {
    expect(() => assertNotCrossSite(req({ "sec-fetch-site": "cross-site" }))).toThrow(AppError);
    expect(() => assertNotCrossSite(req({ origin: "https://evil.example" }))).toThrow(/cross-site/);
  });
});
