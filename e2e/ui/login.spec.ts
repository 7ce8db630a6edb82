import { test as base, expect } from "@playwright/test";
import { createTestUser } from "../../test/helpers";

// Starts signed out: the plain Playwright test, not the signed-in fixtures.
const test = base;

test("an anonymous visitor is sent to sign in and comes back to the page they asked for", async ({
  page,
}) => {
  const user = await createTestUser("viewer");
  await page.goto("/grep/demo?q=error");
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill("wrong password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("wrong username or password")).toBeVisible();
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/grep\/demo\?q=error$/);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === "alco_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("the API refuses an anonymous caller with the error shape", async ({ request }) => {
  const res = await request.get("/api/grep/demo");
  expect(res.status()).toBe(401);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("unauthorized");
  expect(body.error.message).toContain("sign in");
});

/** Where each of these lands after signing in: home, or a path on this origin, never another site. */
const HOSTILE_NEXT = [
  "/\\evil.example",
  "//evil.example",
  "/%5Cevil.example",
  "https://evil.example",
  "javascript:alert(1)",
];

for (const next of HOSTILE_NEXT) {
  test(`sign-in never follows next=${next} off this origin`, async ({ page, baseURL }) => {
    const user = await createTestUser("viewer");
    const offsite: string[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).origin !== new URL(baseURL!).origin) offsite.push(r.url());
    });
    let dialog = false;
    page.on("dialog", (d) => {
      dialog = true;
      void d.dismiss();
    });
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname !== "/login");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    expect(offsite).toEqual([]);
    expect(dialog).toBe(false);
  });
}

test.describe("with JavaScript off", () => {
  test.use({ javaScriptEnabled: false });

  test("the form signs in by POST, comes back to the page asked for, and never puts the password in a URL", async ({
    page,
  }) => {
    const user = await createTestUser("viewer");
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(`/login?next=${encodeURIComponent("/grep/demo?q=error")}`);
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill("wrong password here");
    await page.getByLabel("Password").press("Enter");
    await expect(page.getByText("wrong username or password")).toBeVisible();
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByLabel("Password").press("Enter");
    await expect(page).toHaveURL(/\/grep\/demo\?q=error$/);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "alco_session")).toMatchObject({ httpOnly: true });
    expect(urls.length).toBeGreaterThan(2);
    for (const u of urls) {
      expect(u).not.toContain(encodeURIComponent(user.password));
      expect(u).not.toContain("password=");
      expect(u).not.toContain("wrong");
    }
  });

  test("a hostile next is not followed without the script either", async ({ page, baseURL }) => {
    const user = await createTestUser("viewer");
    await page.goto(`/login?next=${encodeURIComponent("/\\evil.example")}`);
    await page.getByLabel("Username").fill(user.username);
    await page.getByLabel("Password").fill(user.password);
    await page.getByLabel("Password").press("Enter");
    await page.waitForURL((u) => u.pathname !== "/login");
    expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  });
});
