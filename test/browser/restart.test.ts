/**
 * Live across a control plane restart: a run page left open while `wrangler dev` stops says the
 * control plane is unreachable, then — with no reload — catches up and shows the run finishing,
 * on the same session (the cookie is signed, not stored, so a restart does not end it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DashboardStack, startDashboardStack } from "./support/dashboard-stack";

let s: DashboardStack;
beforeAll(async () => {
  s = await startDashboardStack();
});
afterAll(async () => {
  await s?.teardown();
});

it("keeps a run page live through a control plane restart, without a reload", async () => {
  const { page } = s;
  const { client } = s.controlPlane;
  const run = await client.submitRun({
    location: "demo",
    job: "sleepy",
    run_config: { ops: { nap: { config: { seconds: 6 } } } },
  });
  await s.open(`/runs/${run.id}`);
  await s.signIn();
  await page.locator('[data-testid="run-status"][data-status="STARTED"]').waitFor({ timeout: 30_000 });
  await page.evaluate(() => {
    (window as unknown as { __noReload: boolean }).__noReload = true;
  });

  await s.controlPlane.stop();
  await page.getByTestId("connection-banner").waitFor({ timeout: 30_000 });
  await s.browser.screenshot("restart-unreachable");
  await s.controlPlane.start();

  await page.locator('[data-testid="run-status"][data-status="SUCCESS"]').waitFor({ timeout: 60_000 });
  await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 30_000 });
  await page.locator('[data-testid="event-row"][data-type="RUN_SUCCESS"]').waitFor();
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  expect(new URL(page.url()).pathname).toBe(`/runs/${run.id}`);
  await s.browser.screenshot("restart-caught-up");
});
