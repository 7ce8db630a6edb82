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
