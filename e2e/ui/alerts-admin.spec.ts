/**
 * An admin makes an alert rule from the reader: "Alert on this search" opens /admin with the form filled in from
 * the view (index, query and filters), and the rule created there is listed and stored as typed.
 */
import { eq } from "drizzle-orm";
import { alertRules } from "@/db/schema";
import { expect, test } from "../admin-fixtures";
import { createTestIndex, db, dropTestIndex, uniqueName } from "../../test/helpers";

test("Alert on this search makes a rule for the view's index and query on /admin", async ({
  adminPage: page,
}) => {
  const index = await createTestIndex({ title: "Alert source" });
  const name = uniqueName("rule");
  try {
    await page.goto(`/grep/${index.name}?q=${encodeURIComponent("status:500")}&filter=host:web-1`);
    await page.getByRole("link", { name: "Alert on this search" }).click();
    await expect(page).toHaveURL(/\/admin\?/);
    const form = page.getByRole("form", { name: "create alert rule" });
    await expect(form.getByLabel("Index")).toHaveValue(index.name);
    await expect(form.getByLabel("Query")).toHaveValue("status:500 host:web-1");
    await form.getByLabel("Rule name").fill(name);
    await form.getByLabel("Group by field").fill("path");
    await form.getByLabel("Value").fill("10");
    await form.getByRole("button", { name: "Create rule" }).click();
    await expect(page.getByTestId("admin-alerts").locator(`tr[data-alert="${name}"]`)).toContainText(
      "more than 10 in 300 s, per path",
    );
    const [rule] = await db().select().from(alertRules).where(eq(alertRules.name, name));
    expect(rule).toMatchObject({
      indexName: index.name,
      query: "status:500 host:web-1",
      conditionOp: "gt",
      conditionValue: 10,
      groupBy: "path",
      webhookUrl: null,
      everySeconds: 30,
    });

    // A hostile value gets the API's words under the form, and nothing is stored.
    await form.getByLabel("Rule name").fill(uniqueName("bad"));
    await form.getByLabel("Webhook URL").fill("ftp://hooks.example.com/x");
    await form.getByRole("button", { name: "Create rule" }).click();
    await expect(form).toContainText("webhookUrl: an http:// or https:// URL");
    expect(await db().select().from(alertRules).where(eq(alertRules.indexName, index.name))).toHaveLength(1);
  } finally {
    await db().delete(alertRules).where(eq(alertRules.indexName, index.name));
    await dropTestIndex(index);
  }
});
