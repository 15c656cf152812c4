/**
 * Every user-supplied string is text: a run tag and a log message holding `<script>` and
 * `<img onerror>` show literally on the runs table and the run page, and nothing runs.
 */
import { expect, it } from "vitest";
import { useDashboardStack } from "./support/dashboard-stack";

const PAYLOAD = `<script>window.__xss=1;alert("script")</script><img src="x" onerror="window.__xss=2;alert('img')">`;

const s = useDashboardStack();

async function assertNothingRan() {
  const { page } = s;
  expect(s.browser.dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  const scripts = await page.evaluate(() => Array.from(document.scripts).map((el) => el.textContent ?? ""));
  expect(scripts.some((t) => t.includes("__xss"))).toBe(false);
}

it("renders a tag and a log message holding markup as plain text, and runs none of it", async () => {
  const { page } = s;
  const { client } = s.controlPlane;
  const run = await client.submitRun({
    location: "demo",
    job: "greet",
    run_config: { ops: { hello: { config: { name: PAYLOAD } } } },
    tags: { note: PAYLOAD },
  });
  expect((await client.waitForRun(run.id)).status).toBe("SUCCESS");

  await s.open("/runs");
  await s.signIn();
  const row = s.page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
  await row.waitFor();
  expect(await row.getByTestId("tag").first().getAttribute("title")).toBe(`note=${PAYLOAD}`);
  expect(await row.textContent()).toContain("<script>");
  await assertNothingRan();
  await s.browser.screenshot("untrusted-text-runs");

  await row.getByTestId("run-link").click();
  await page.locator('[data-testid="run-status"][data-status="SUCCESS"]').waitFor();
  const message = page.locator('[data-testid="event-message"]').filter({ hasText: "Hello," });
  await message.first().waitFor();
  expect(await message.first().textContent()).toBe(`Hello, ${PAYLOAD}!`);
  expect(await page.getByTestId("run-tags").textContent()).toContain(PAYLOAD);
  await assertNothingRan();
  await s.browser.screenshot("untrusted-text-run");
});
