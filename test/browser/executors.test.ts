/**
 * The run page's executor features in Chromium: re-execute a failed run from failure with the
 * button, land on the child run, see the lineage, and read a step's compute log; zoom and pan the
 * step Gantt chart with the keyboard and the mouse wheel; choose steps on it with the keyboard and
 * re-execute them (alone, or with what is downstream); open a run in the launchpad to relaunch it.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type CodeLocationServer, REPO_ROOT, registerCodeLocation } from "../../scripts/lib/local-stack";
import { startCodeLocation, startTogether } from "../support/e2e-stack";
import { type DashboardStack, startDashboardStack } from "./support/dashboard-stack";

let s: DashboardStack;
let executors: CodeLocationServer;
const dataDir = path.join(os.tmpdir(), `flightdeck-browser-executors-${randomUUID()}`);
beforeAll(async () => {
  [s, executors] = await startTogether(
    [
      startDashboardStack(),
      startCodeLocation({ name: "executors", file: path.join(REPO_ROOT, "examples/executors/location.ts"), dataDir }),
    ],
    async ([stack, server]) => {
      await server?.stop();
      await stack?.teardown();
    },
  );
  const registered = await registerCodeLocation(s.controlPlane, executors);
  if (registered.status !== "LOADED") throw new Error(`executors did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await executors?.stop();
  await s?.teardown();
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail")
    await s?.browser.screenshot(`FAILED-${ctx.task.name.slice(0, 60).replace(/\W+/g, "-")}`);
});

const byTestId = (id: string) => s.page.getByTestId(id);
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Presses Tab (or Shift+Tab) until the element matching `selector` has the focus. */
async function tabTo(selector: string, key: "Tab" | "Shift+Tab" = "Tab", maxTabs = 80): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await s.page.keyboard.press(key);
    if (await s.page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
  }
  throw new Error(`${selector} never got the keyboard focus`);
}

/** Markers of the shared run, whose config tests relaunch (writing the marker again): removed after the file. */
const sharedMarkers: string[] = [];
afterAll(() => Promise.all(sharedMarkers.map((marker) => rm(marker, { force: true }))));

/** A finished last_fails run: a → b succeeded, c failed (its marker did not exist). Made once, shared. */
let lastFailsRun: Promise<string> | undefined;
const failedLastFails = () => {
  lastFailsRun ??= makeFailedLastFails();
  return lastFailsRun;
};
async function makeFailedLastFails(): Promise<string> {
  const { client } = s.controlPlane;
  const marker = path.join(os.tmpdir(), `flightdeck-browser-marker-${randomUUID()}`);
  sharedMarkers.push(marker);
  const run = await client.submitRun({
    location: "executors",
    job: "last_fails",
    run_config: { ops: { c: { config: { marker } } } },
    tags: { team: "browser" },
  });
  expect((await client.waitForRun(run.id)).status).toBe("FAILURE");
  return run.id;
}

describe("the run page with executors", () => {
  it("re-executes a failed run from failure: the child run opens, succeeds and shows the lineage", async () => {
    const { client } = s.controlPlane;
    const marker = path.join(os.tmpdir(), `flightdeck-browser-marker-${randomUUID()}`);
    onTestFinished(() => rm(marker, { force: true }));
    const parent = await client.submitRun({
      location: "executors",
      job: "last_fails",
      run_config: { ops: { c: { config: { marker } } } },
    });
    expect((await client.waitForRun(parent.id)).status).toBe("FAILURE");
    await s.open(`/runs/${parent.id}`);
    await s.signIn();
    await byTestId("run-reexecute-from-failure").click();
    await s.page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(parent.id));
    await s.page.locator('[data-testid="run-status"]', { hasText: "SUCCESS" }).waitFor({ timeout: 30_000 });
    await byTestId("run-lineage").waitFor();
    expect(await s.page.locator('[data-testid="lineage-run"]').count()).toBe(2);
    expect(await byTestId("run-step-selection").textContent()).toContain("c");
    await s.browser.screenshot("reexecuted-run-lineage");
  });

  it("shows a step's printed lines in its compute log", async () => {
    const { client } = s.controlPlane;
    const run = await client.waitForRun((await client.submitRun({ location: "executors", job: "prints" })).id);
    expect(run.status).toBe("SUCCESS");
    await s.open(`/runs/${run.id}`);
    await s.page.locator('[data-testid="gantt-step"][data-step="printer"]').click();
    await s.page
      .locator('[data-testid="compute-log-stdout"]', { hasText: "hello from the printer, line 3" })
      .waitFor({ timeout: 30_000 });
    expect(await byTestId("compute-log-stderr").textContent()).toContain("a line on stderr");
    await s.browser.screenshot("compute-logs");
  });

  it("zooms and pans the step chart with the keyboard and with Ctrl + wheel, then shows the whole run again", async () => {
    const { page } = s;
    const parent = await failedLastFails();
    await s.open(`/runs/${parent}`);
    const chart = byTestId("gantt-chart");
    await page.locator('[data-testid="gantt-step"][data-step="c"][data-outcome="failure"]').waitFor();
    await tabTo('[data-testid="gantt-chart"]');
    await page.keyboard.press("+");
    await page.keyboard.press("+");
    await page.locator('[data-testid="gantt-chart"][data-width="0.2500"]').waitFor();
    const centred = Number(await chart.getAttribute("data-from"));
    expect(centred).toBeCloseTo(0.375);
    await page.keyboard.press("ArrowRight");
    expect(Number(await chart.getAttribute("data-from"))).toBeGreaterThan(centred);
    expect(await byTestId("gantt-window").textContent()).toContain("Showing");
    await s.browser.screenshot("gantt-zoomed");
    await page.keyboard.press("0");
    await page.locator('[data-testid="gantt-chart"][data-width="1.0000"]').waitFor();
    // Ctrl + wheel over the chart zooms at the pointer; a plain wheel leaves it alone.
    const box = await chart.boundingBox();
    if (!box) throw new Error("the chart is not on screen");
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.keyboard.down("Control");
    await page.mouse.wheel(0, -200);
    await page.keyboard.up("Control");
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="gantt-chart"]')?.getAttribute("data-width")) < 1,
    );
    await byTestId("gantt-fit").click();
    await page.locator('[data-testid="gantt-chart"][data-width="1.0000"]').waitFor();
  });

  it("re-executes steps chosen on the chart with the keyboard: b alone, then b and what follows it", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    const parent = await failedLastFails();
    await s.open(`/runs/${parent}`);
    await page.locator('[data-testid="gantt-choose"][data-step="b"]').waitFor();
    expect(await byTestId("run-reexecute-selected").isDisabled()).toBe(true);
    await tabTo('[data-testid="gantt-choose"][data-step="b"]');
    await page.keyboard.press("Space");
    await byTestId("step-selection-count").filter({ hasText: "1 step chosen" }).waitFor();
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await s.browser.screenshot(`run-steps-chosen-${size === DESKTOP ? "desktop" : "phone"}`);
    }
    await page.setViewportSize(DESKTOP);
    // The buttons sit above the chart: back up to them.
    await tabTo('[data-testid="run-reexecute-from-selected"]', "Shift+Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(parent));
    const child = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await byTestId("run-step-selection").filter({ hasText: "b, c" }).waitFor();
    expect(await byTestId("run-step-selection").textContent()).toContain("SELECTED_STEPS");
    await client.waitForRun(child);

    // b alone, from the parent again.
    await s.open(`/runs/${parent}`);
    await page.locator('[data-testid="gantt-choose"][data-step="b"]').check();
    await byTestId("run-reexecute-selected").click();
    await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(parent));
    await byTestId("run-step-selection").waitFor();
    expect(await byTestId("run-step-selection").textContent()).toMatch(/steps\s+b\b(?!,)/);
  });

  it("opens a run in the launchpad with its config and tags, to edit and launch again", async () => {
    const { page } = s;
    const parent = await failedLastFails();
    await s.open(`/runs/${parent}`);
    await byTestId("run-open-launchpad").click();
    await page.waitForURL((url) => url.pathname === "/jobs/executors/last_fails/launchpad");
    await byTestId("launchpad-from-run").waitFor();
    expect(await byTestId("launchpad-editor").inputValue()).toContain("flightdeck-browser-marker-");
    expect(await page.locator('[data-testid="launchpad-tag-key"]').first().inputValue()).toBe("team");
    expect(await page.locator('[data-testid="launchpad-tag-value"]').first().inputValue()).toBe("browser");
    await s.browser.screenshot("launchpad-from-run");
    await byTestId("launchpad-launch").click();
    await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(parent));
    expect(await byTestId("run-tags").textContent()).toContain("browser");
    // The relaunched run writes the shared marker when its last step runs: let it end first.
    const child = new URL(page.url()).pathname.split("/").at(-1) ?? "";
    await s.controlPlane.client.waitForRun(child);
  });
});
