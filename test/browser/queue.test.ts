/**
 * The queue page in Chromium against the real control plane and real run workers (DESIGN.md §8,
 * issue 4): with max_concurrent_runs 1, a sleeping run holds the slot and the rest wait, each
 * with its reason naming the limit and the holder; a run bumped from the page launches next once
 * the holder ends; pause and resume from the page; max_concurrent_runs raised in place launches
 * more. A tag limit of 0 shows the blocked reason.
 */
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol/run";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack({
  instanceConfig: {
    run_coordinator: {
      type: "queued",
      max_concurrent_runs: 1,
      tag_concurrency_limits: [{ key: "lane", value: "frozen", limit: 0 }],
    },
  },
});

const client = () => s.controlPlane.client;
const sleepy = (tags: Record<string, string> = {}) =>
  client().submitRun({
    location: "demo",
    job: "sleepy",
    run_config: { ops: { nap: { config: { seconds: 120 } } } },
    tags,
  });
const row = (run: Run) => s.page.locator(`[data-testid="queue-row"][data-run-id="${run.id}"]`);
const attr = async (locator: Locator, name: string) => locator.getAttribute(name);
/**
 * How long a live page may take to show a change it was not reloaded for. It polls every second,
 * so it is usually there within 2 s; the bound is for a loaded machine, where Chromium, the
 * Worker and the runs share two cores. Any update at all, with no reload, is what proves "live".
 */
const LIVE_MS = 30_000;

describe("the queue page", () => {
  let holder: Run;
  let first: Run;
  let second: Run;
  let third: Run;
  let frozen: Run;

  it("shows each waiting run's position, job and reason: the limit and the run holding it", async () => {
    const { page } = s;
    holder = await sleepy({ team: "ingest" });
    await client().waitForRun(holder.id, { statuses: ["STARTED"], timeoutMs: 30_000 });
    first = await sleepy({ team: "ingest" });
    second = await sleepy({ team: "reports" });
    third = await sleepy();

    await s.open("/queue");
    await s.signIn();
    await page.getByTestId("queue-table").waitFor();
    for (const [index, run] of [first, second, third].entries()) {
      const r = row(run);
      await r.waitFor();
      expect(await attr(r, "data-position")).toBe(String(index + 1));
      expect(await attr(r, "data-reason")).toBe("max_concurrent_runs");
      expect(await r.getByTestId("queue-reason").textContent()).toContain("max_concurrent_runs full: 1 of 1 in use");
      expect(await r.getByTestId("reason-holder").getAttribute("data-run-id")).toBe(holder.id);
      expect(await r.textContent()).toContain("sleepy");
    }
    const bar = page.locator('[data-testid="limit-bar"][data-limit="max_concurrent_runs"]');
    expect([await attr(bar, "data-in-use"), await attr(bar, "data-max")]).toEqual(["1", "1"]);
    await page.locator(`[data-testid="in-progress-row"][data-run-id="${holder.id}"]`).waitFor();

    // Live: a run submitted while the page is open appears without a reload, blocked by its zero tag limit.
    frozen = await sleepy({ lane: "frozen" });
    const frozenRow = row(frozen);
    await frozenRow.waitFor({ timeout: LIVE_MS });
    expect(await attr(frozenRow, "data-reason")).toBe("blocked_by_zero_limit");
    expect(await frozenRow.getByTestId("queue-reason").textContent()).toContain("lane=frozen is 0");

    // The holder link goes to the holder's run page.
    await row(first).getByTestId("reason-holder").click();
    await page.waitForURL(`**/runs/${holder.id}`);
    await page.getByTestId("nav-queue").click();
    await row(first).waitFor();
    await s.browser.screenshot("queue-waiting");
  });

  it("reorders from the page: priority edited in place, and Run next", async () => {
    const { page } = s;
    await row(third).getByTestId("queue-priority").click();
    const input = row(third).getByTestId("queue-priority-input");
    await input.fill("2.5");
    await row(third).getByTestId("queue-priority-save").click();
    await row(third).getByTestId("queue-priority-error").waitFor();
    await s.browser.screenshot("queue-priority-error");
    await input.fill("5");
    await row(third).getByTestId("queue-priority-save").click();
    await page.locator(`[data-testid="queue-row"][data-run-id="${third.id}"][data-position="1"]`).waitFor();
    expect(await row(third).getByTestId("queue-priority").getAttribute("data-priority")).toBe("5");

    await row(second).getByTestId("queue-run-next").click();
    await page.locator(`[data-testid="queue-row"][data-run-id="${second.id}"][data-position="1"]`).waitFor();
    const order = await page.getByTestId("queue-row").evaluateAll((rows) => rows.map((r) => r.dataset.runId));
    expect(order).toEqual([second.id, third.id, first.id, frozen.id]);
  });

  it("pauses and resumes the queue from the page", async () => {
    const { page } = s;
    await page.getByTestId("queue-pause-toggle").click();
    await page.locator('[data-testid="queue-state"][data-paused="true"]').waitFor();
    await page.getByTestId("queue-paused-notice").waitFor();
    await page.locator(`[data-testid="queue-row"][data-run-id="${first.id}"][data-reason="paused"]`).waitFor();
    await s.browser.screenshot("queue-paused");
    await page.getByTestId("queue-pause-toggle").click();
    await page.locator('[data-testid="queue-state"][data-paused="false"]').waitFor();
    await page.getByTestId("queue-paused-notice").waitFor({ state: "detached" });
    await page
      .locator(`[data-testid="queue-row"][data-run-id="${first.id}"][data-reason="max_concurrent_runs"]`)
      .waitFor();
  });

  it("launches the run moved to the front once the holder ends", async () => {
    const { page } = s;
    await client().terminateRun(holder.id);
    await client().waitForRun(second.id, { statuses: ["STARTING", "STARTED"], timeoutMs: 60_000 });
    expect((await client().getRun(third.id)).status).toBe("QUEUED");
    expect((await client().getRun(first.id)).status).toBe("QUEUED");
    await page.locator(`[data-testid="in-progress-row"][data-run-id="${second.id}"]`).waitFor({ timeout: LIVE_MS });
    await row(second).waitFor({ state: "detached" });
    expect(await attr(row(third), "data-position")).toBe("1");
    expect(await row(third).getByTestId("reason-holder").getAttribute("data-run-id")).toBe(second.id);
  });

  it("edits max_concurrent_runs in place, with the error at its place, and launches more", async () => {
    const { page } = s;
    await page.getByTestId("limits-edit").click();
    const max = page.getByTestId("limits-max-input");
    await max.fill("-3");
    await page.getByTestId("limits-save").click();
    const error = page.locator('[data-testid="limit-error"][data-place="max_concurrent_runs"]');
    await error.waitFor();
    expect(await error.textContent()).toContain("-1 (no limit)");
    await s.browser.screenshot("queue-limits-error");

    await max.fill("3");
    await page.getByTestId("limits-save").click();
    await page.locator('[data-testid="limit-bar"][data-limit="max_concurrent_runs"][data-max="3"]').waitFor();
    await client().waitForRun(third.id, { statuses: ["STARTING", "STARTED"], timeoutMs: 60_000 });
    await client().waitForRun(first.id, { statuses: ["STARTING", "STARTED"], timeoutMs: 60_000 });
    await page.locator('[data-testid="limit-bar"][data-limit="max_concurrent_runs"][data-in-use="3"]').waitFor();
    // Only the run behind the zero tag limit is left.
    const left = await page.getByTestId("queue-row").evaluateAll((rows) => rows.map((r) => r.dataset.runId));
    expect(left).toEqual([frozen.id]);
    expect(s.browser.pageErrors).toEqual([]);
    await s.browser.screenshot("queue-limits-raised");
  });

  it("stays live across a control plane restart, without a reload", async () => {
    const { page } = s;
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    await s.controlPlane.stop();
    await page.getByTestId("connection-banner").waitFor({ timeout: 30_000 });
    await s.controlPlane.start();
    await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: 30_000 });
    await row(frozen).waitFor();
    await page.locator('[data-testid="limit-bar"][data-limit="max_concurrent_runs"][data-max="3"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });
});
