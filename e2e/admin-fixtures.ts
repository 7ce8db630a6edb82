/**
 * Fixtures for the admin pages: a browser context signed in as a fresh admin, and one signed in as a fresh viewer,
 * each by a real session (lib/auth) whose cookie is set for the stack's base URL.
 */
import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { SESSION_COOKIE, createSession } from "@/lib/auth/sessions";
import { createUser } from "@/lib/auth/users";
import { db, uniqueName } from "../test/helpers";

async function signedIn(browser: Browser, baseURL: string, role: "admin" | "viewer") {
  const user = await createUser(db(), {
    username: uniqueName(role),
    password: `pw-${crypto.randomUUID()}`,
    role,
  });
  const context = await browser.newContext();
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: await createSession(db(), user.id),
      url: baseURL,
      httpOnly: true,
      sameSite: "Lax",
    },
  ]);
  return { context, page: await context.newPage(), user };
}

export const test = base.extend<{ adminPage: Page; viewerPage: Page }>({
  adminPage: async ({ browser, baseURL }, use) => {
    const { context, page } = await signedIn(browser, baseURL!, "admin");
    await use(page);
    await context.close();
  },
  viewerPage: async ({ browser, baseURL }, use) => {
    const { context, page } = await signedIn(browser, baseURL!, "viewer");
    await use(page);
    await context.close();
  },
});

export { expect };
