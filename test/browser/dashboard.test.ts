/**
 * The dashboard in Chromium against the real control plane (`wrangler dev`) and the real demo
 * code location server: sign in, a job's graph, the launchpad's inline validation, a run watched
 * live to SUCCESS, a step's events, a failed run's error, and terminate from the runs table.
 */
import { describe, expect, it } from "vitest";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack();

const byTestId = (id: string) => s.page.getByTestId(id);

describe("the dashboard", () => {
  it("sends a signed-out visitor to sign in, refuses a wrong token, then returns to the page asked for", async () => {
    const { page } = s;
    await s.open("/runs?status=SUCCESS");
    await byTestId("sign-in-form").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/runs?status=SUCCESS");

    await byTestId("sign-in-token").fill("fd_admin_not-the-token");
    await byTestId("sign-in-submit").click();
    await byTestId("sign-in-error").waitFor();
    expect(await byTestId("sign-in-error").textContent()).toMatch(/token/i);
    await s.browser.screenshot("sign-in-wrong-token");

    await s.signIn();
    await byTestId("runs-page").waitFor();
    expect(new URL(page.url()).pathname).toBe("/runs");
    expect(new URL(page.url()).searchParams.get("status")).toBe("SUCCESS");
    // The session is an HttpOnly cookie: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain("flightdeck_session");
    await s.browser.screenshot("signed-in-runs");
  });

  it("draws a job's op graph with dagre: four ops, four edges, the join below both branches", async () => {
    const { page } = s;
    await byTestId("nav-jobs").click();
    await page.locator('[data-testid="job-link"]').filter({ hasText: "diamond" }).click();
    await byTestId("op-graph").waitFor();
    const nodes = page.locator('[data-testid="op-node"]');
    expect(await nodes.count()).toBe(4);
    expect(await page.locator('[data-testid="op-edge"]').count()).toBe(4);
    const y = async (name: string) =>
      (await page.locator(`[data-testid="op-node"][data-node="${name}"]`).boundingBox())?.y ?? -1;
    expect(await y("a")).toBeLessThan(await y("b"));
    expect(await y("b")).toBeLessThan(await y("d"));
    expect(await y("c")).toBeLessThan(await y("d"));
    await page.locator('[data-testid="op-node"][data-node="a"]').click();
    await byTestId("op-details").waitFor();
    await s.browser.screenshot("job-graph");
  });

  it("shows a bad run config's error in place, launches once fixed, and follows the run to SUCCESS without a reload", async () => {
    const { page } = s;
    await s.open("/jobs/demo/greet");
    await byTestId("open-launchpad").click();
    const editor = byTestId("launchpad-editor");
    await editor.waitFor();
    // The scaffold has the required field, empty: already an error, at its place.
    expect(JSON.parse(await editor.inputValue())).toEqual({ ops: { hello: { config: { name: "" } } } });

    await editor.fill('{\n  "ops": {\n    "hello": {\n      "config": { "name": 42 }\n    }\n  }\n}');
    const error = page.locator('[data-testid="launchpad-error"][data-path="ops.hello.config.name"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("must be a string, not a number");
    expect(await error.getAttribute("data-line")).toBe("4");
    // ...and on the line itself, beside the value.
    expect(await page.locator('.editor-line.has-error[data-line="4"] .editor-note').textContent()).toContain(
      "must be a string",
    );
    expect(await byTestId("launchpad-launch").isDisabled()).toBe(true);
    await s.browser.screenshot("launchpad-inline-error");

    await editor.fill('{\n  "ops": {\n    "hello": {\n      "config": { "name": "Ada" }\n    }\n  }\n}');
    await byTestId("launchpad-valid").waitFor();
    await byTestId("launchpad-add-tag").click();
    await byTestId("launchpad-tag-key").fill("team");
    await byTestId("launchpad-tag-value").fill("browser-tests");
    await byTestId("launchpad-priority").fill("3");
    await s.browser.screenshot("launchpad-valid");
    await byTestId("launchpad-launch").click();

    await byTestId("run-page").waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/runs\/.+/);
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    await page.locator('[data-testid="run-status"][data-status="SUCCESS"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="gantt-step"][data-step="hello"][data-outcome="success"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(await byTestId("run-tags").textContent()).toContain("browser-tests");
    await s.browser.screenshot("run-success-live");

    // A step's events: pick the step on the timeline, the log narrows to it.
    await page.locator('[data-testid="gantt-step"][data-step="hello"]').click();
    await byTestId("event-step-filter").waitFor();
    const rows = page.locator('[data-testid="event-row"]');
    // The log is filtered on the server: wait for the step's page to replace the whole run's.
    await page.waitForFunction(() => {
      const shown = Array.from(
        document.querySelectorAll('[data-testid="event-log"][data-state="ready"] [data-testid="event-row"]'),
      );
      return shown.length > 2 && shown.every((el) => el.getAttribute("data-step") === "hello");
    });
    const steps = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-step")));
    expect(steps.length).toBeGreaterThan(2);
    expect(new Set(steps)).toEqual(new Set(["hello"]));
    expect(await rows.filter({ hasText: "Hello, Ada!" }).count()).toBeGreaterThan(0);
    await byTestId("event-search").fill("Ada");
    await byTestId("event-level-INFO").click();
    await byTestId("event-log-empty").waitFor();
    expect(await rows.count()).toBe(0);
    await byTestId("event-level-INFO").click();
    await rows.first().waitFor();
    await s.browser.screenshot("step-events");
  });

  it("shows a failed run's error with its stack, and the skipped step on the timeline", async () => {
    const { page } = s;
    const run = await s.controlPlane.client.submitRun({ location: "demo", job: "fails" });
    await s.controlPlane.client.waitForRun(run.id);
    await s.open(`/runs/${run.id}`);
    await page.locator('[data-testid="run-status"][data-status="FAILURE"]').waitFor();
    await byTestId("run-errors").waitFor();
    expect(await byTestId("run-errors").textContent()).toContain("explode refuses");
    expect(await page.locator('[data-testid="error-stack"]').first().textContent()).toMatch(/location\.ts:\d+/);
    await page.locator('[data-testid="gantt-step"][data-outcome="failure"]').waitFor();
    await page.locator('[data-testid="gantt-step"][data-outcome="skipped"]').waitFor();
    await s.browser.screenshot("run-failure");
  });

  it("terminates a sleeping run from the runs table, after confirmation", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    const run = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 60 } } } },
    });
    await client.waitForRun(run.id, { statuses: ["STARTED"] });
    await s.open("/runs");
    const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
    await row.locator('[data-testid="run-row-status"][data-status="STARTED"]').waitFor();
    await row.getByTestId("run-row-select").check();
    await byTestId("runs-bulk-terminate").click();
    await byTestId("confirm-dialog").waitFor();
    await s.browser.screenshot("runs-terminate-confirm");
    await byTestId("confirm-ok").click();
    await byTestId("runs-outcome").waitFor();
    await row.locator('[data-testid="run-row-status"][data-status="CANCELED"]').waitFor({ timeout: 30_000 });
    expect((await client.getRun(run.id)).status).toBe("CANCELED");
    await s.browser.screenshot("runs-terminated");
  });

  it("filters the runs table by status and by tag", async () => {
    const { page } = s;
    await s.open("/runs");
    await page.locator('[data-testid="run-row"]').first().waitFor();
    await byTestId("runs-filter-status-FAILURE").click();
    await page.waitForURL(/status=FAILURE/);
    await page.locator('[data-testid="run-row"][data-status="FAILURE"]').first().waitFor();
    expect(await page.locator('[data-testid="run-row"]:not([data-status="FAILURE"])').count()).toBe(0);
    await byTestId("runs-filter-status-FAILURE").click();
    await byTestId("runs-filter-tag").fill("team=browser-tests");
    await byTestId("runs-filter-tag").press("Enter");
    await byTestId("runs-filter-tag-chip").waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="run-row"]').length === 1);
    expect(await page.locator('[data-testid="run-row"] [data-testid="tags"]').textContent()).toContain("browser-tests");
    await s.browser.screenshot("runs-filtered");
  });

  it("terminates a run from its own page after confirmation", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    const run = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 60 } } } },
    });
    await s.open(`/runs/${run.id}`);
    await page.locator('[data-testid="run-status"][data-status="STARTED"]').waitFor({ timeout: 30_000 });
    await byTestId("run-terminate").click();
    await byTestId("confirm-cancel").click();
    expect(await byTestId("confirm-dialog").count()).toBe(0);
    expect((await client.getRun(run.id)).status).toBe("STARTED");
    await byTestId("run-terminate").click();
    await byTestId("confirm-ok").click();
    await page.locator('[data-testid="run-status"][data-status="CANCELED"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="event-row"][data-type="RUN_CANCELED"]').waitFor();
    await s.browser.screenshot("run-terminated");
  });

  it("sends a user whose session ended to sign in, then back to the same page", async () => {
    const { page } = s;
    await s.open("/jobs/demo/diamond");
    await byTestId("op-graph").waitFor();
    await s.browser.context.clearCookies();
    // The next poll gets a 401: the page moves to sign-in by itself, remembering where it was.
    await byTestId("sign-in-form").waitFor({ timeout: 30_000 });
    await byTestId("session-expired").waitFor();
    expect(new URL(page.url()).searchParams.get("next")).toBe("/jobs/demo/diamond");
    await s.browser.screenshot("session-expired");
    await s.signIn();
    await byTestId("op-graph").waitFor();
    expect(new URL(page.url()).pathname).toBe("/jobs/demo/diamond");
  });

  it("shows the overview, the code locations and the instance configuration with its sources", async () => {
    const { page } = s;
    await byTestId("nav-overview").click();
    await byTestId("overview-totals").waitFor();
    expect(await page.locator('[data-testid="overview-count-SUCCESS"] .stat-value').textContent()).not.toBe("0");
    await s.browser.screenshot("overview");
    await byTestId("nav-locations").click();
    await page.locator('[data-testid="location-row"][data-location="demo"] [data-testid="location-status"]').waitFor();
    expect(await byTestId("location-status").textContent()).toContain("Loaded");
    await byTestId("location-reload").click();
    await s.browser.screenshot("code-locations");
    await byTestId("nav-instance").click();
    const setting = page.locator('[data-testid="instance-setting"][data-path="run_coordinator.max_concurrent_runs"]');
    await setting.waitFor();
    expect(await setting.getAttribute("data-source")).toBe("default");
    expect(await setting.textContent()).toContain("10");
    await s.browser.screenshot("instance");
    expect(s.browser.pageErrors).toEqual([]);
  });
});
