/**
 * Sign-in limits over real TCP connections to the production server, from several loopback addresses: the stack
 * (e2e/global-setup.ts) trusts 127.0.0.2 as its proxy; any other address is a client speaking for itself,
 * whatever forwarding headers it sends. The browsers of the UI tests connect from 127.0.0.1, so these tests use
 * addresses of their own and leave its limits alone.
 */
import { expect, test } from "@playwright/test";
import http from "node:http";
import { createTestUser, uniqueName } from "../../test/helpers";

const PROXY = "127.0.0.2";

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string };

function post(
  baseURL: string,
  from: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL("/api/auth/login", baseURL);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        localAddress: from,
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

/** A loopback address no other test uses, so a rerun of this file does not meet its own earlier limits. */
function freshAddress(): string {
  return `127.${10 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
}

test("many failures from one address are refused whatever forwarding headers they carry", async ({
  baseURL,
}) => {
  const from = freshAddress();
  const statuses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const spoof = `198.51.100.${i + 1}`;
    const res = await post(
      baseURL!,
      from,
      { username: uniqueName("guess"), password: "not-a-password" },
      { "x-forwarded-for": spoof, "x-real-ip": spoof, forwarded: `for=${spoof}` },
    );
    statuses.push(res.status);
  }
  expect(statuses).toEqual(Array(20).fill(401));
  // A real account's right password from that address is refused too: the address is what is limited.
  const user = await createTestUser("viewer");
  const limited = await post(
    baseURL!,
    from,
    { username: user.username, password: user.password },
    { "x-forwarded-for": "203.0.113.99" },
  );
  expect(limited.status).toBe(429);
  expect(JSON.parse(limited.body)).toMatchObject({ error: { code: "rate_limited" } });
  // Another address is not affected.
  expect(
    (await post(baseURL!, freshAddress(), { username: user.username, password: user.password })).status,
  ).toBe(200);
});

test("failures for an admin from one address do not stop that admin signing in from another", async ({
  baseURL,
}) => {
  const admin = await createTestUser("admin");
  const attacker = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
  const owner = `192.0.2.${1 + Math.floor(Math.random() * 250)}`;
  for (let i = 0; i < 5; i++) {
    const res = await post(
      baseURL!,
      PROXY,
      { username: admin.username, password: `guess-${i}-wrong` },
      { "x-forwarded-for": attacker },
    );
    expect(res.status).toBe(401);
  }
  // The attacker's own address is refused for this account now, even with the right password...
  const refused = await post(
    baseURL!,
    PROXY,
    { username: admin.username, password: admin.password },
    { "x-forwarded-for": attacker },
  );
  expect(refused.status).toBe(429);
  // ...while the owner, behind the same proxy, gets in. A hop the client wrote to the left counts for nothing.
  const signedIn = await post(
    baseURL!,
    PROXY,
    { username: admin.username, password: admin.password },
    { "x-forwarded-for": `${attacker}, ${owner}` },
  );
  expect(signedIn.status).toBe(200);
  expect(JSON.parse(signedIn.body)).toMatchObject({ user: { username: admin.username, role: "admin" } });
});

test("X-Forwarded-Proto makes the session cookie Secure only when the trusted proxy sends it", async ({
  baseURL,
}) => {
  const user = await createTestUser("viewer");
  const direct = await post(
    baseURL!,
    freshAddress(),
    { username: user.username, password: user.password },
    { "x-forwarded-proto": "https" },
  );
  expect(direct.status).toBe(200);
  expect(String(direct.headers["set-cookie"])).not.toContain("Secure");
  const proxied = await post(
    baseURL!,
    PROXY,
    { username: user.username, password: user.password },
    { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.200" },
  );
  expect(proxied.status).toBe(200);
  expect(String(proxied.headers["set-cookie"])).toContain("Secure");
});
