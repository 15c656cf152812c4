/**
 * The run page's executor features in Chromium (issue 5): re-execute a failed run from failure
 * with the button, land on the child run, see the lineage, and read a step's compute log.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import {
  type CodeLocationServer,
  REPO_ROOT,
  registerCodeLocation,
  startCodeLocation,
} from "../../scripts/lib/local-stack";
import { startTogether } from "../support/e2e-stack";
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
});
