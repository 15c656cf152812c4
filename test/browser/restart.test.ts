/**
 * Live across a control plane restart: a run page left open while `wrangler dev` stops says the
 * control plane is unreachable, then — with no reload — catches up and shows the run finishing,
 * on the same session (the cookie is signed, not stored, so a restart does not end it). The run
 * waits for a file the test writes, so it is still running when the page opens and ends while
 * the control plane is down, however slow the machine.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { SPOOL_EVENTS_FILE } from "../../runner/events/spool";
import { runAttemptDir } from "../../runner/run-files";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { waitUntil } from "../support/e2e-stack";
import { useDashboardStack } from "./support/dashboard-stack";

const GATED = { name: "gated", file: path.join(REPO_ROOT, "runner/testing/fixtures/gated-location.ts") };

const s = useDashboardStack({ location: GATED });

it("keeps a run page live through a control plane restart, without a reload", async () => {
  const { page } = s;
  const { client } = s.controlPlane;
  const release = path.join(s.dir, "release");
  const run = await client.submitRun({
    location: GATED.name,
    job: "gated",
    run_config: { ops: { wait_for_file: { config: { file: release } } } },
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
  // The run ends while nobody listens: its last events exist only in the run worker's spool.
  writeFileSync(release, "");
  const spool = path.join(runAttemptDir(path.join(s.dir, GATED.name), run.id, 1), SPOOL_EVENTS_FILE);
  await waitUntil(
    () => existsSync(spool) && readFileSync(spool, "utf8").includes('"RUN_SUCCESS"'),
    30_000,
    "the run to end in the spool",
  );
  await s.controlPlane.start();

  await page.locator('[data-testid="run-status"][data-status="SUCCESS"]').waitFor({ timeout: 60_000 });
  await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 30_000 });
  await page.locator('[data-testid="event-row"][data-type="RUN_SUCCESS"]').waitFor();
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  expect(new URL(page.url()).pathname).toBe(`/runs/${run.id}`);
  await s.browser.screenshot("restart-caught-up");
});
