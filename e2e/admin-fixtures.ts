/**
 * Fixtures for the admin pages: a browser context signed in as a fresh admin, and one signed in as a fresh viewer,
 * each by a real session (lib/auth) whose cookie is set for the stack's base URL; the sessions also name the user.
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

type Session = { page: Page; username: string };

export const test = base.extend<{
  adminSession: Session;
  viewerSession: Session;
  adminPage: Page;
  viewerPage: Page;
}>({
  adminSession: async ({ browser, baseURL }, use) => {
    const { context, page, user } = await signedIn(browser, baseURL!, "admin");
    await use({ page, username: user.username });
    await context.close();
  },
  viewerSession: async ({ browser, baseURL }, use) => {
    const { context, page, user } = await signedIn(browser, baseURL!, "viewer");
    await use({ page, username: user.username });
    await context.close();
  },
  adminPage: async ({ adminSession }, use) => use(adminSession.page),
  viewerPage: async ({ viewerSession }, use) => use(viewerSession.page),
});

export { expect };
