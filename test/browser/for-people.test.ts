/**
 * The dashboard as people use it, in Chromium against the real control plane and real run
 * workers: the nav folds behind a menu button on a phone; a skip link, the current page marked for
 * screen readers, a tab title per page; readable short run ids with a copy button; a terminated
 * run's step reads canceled; ctx.log lines in the step's stderr; a not-found page stops polling;
 * editing a pool limit with Enter; instance settings edited in a form with their history; API
 * tokens made, shown once and revoked, and the audit log filtered; and launching a job and
 * reordering the queue with the keyboard alone. Every page's axe-core sweep is
 * accessibility.test.ts.
 */
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Run } from "../../protocol/run";
import { shortRunId } from "../../ui/lib/run-id";
import { seriousViolations } from "./support/axe";
import { useDashboardStack } from "./support/dashboard-stack";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const s = useDashboardStack({ instanceConfig: { run_coordinator: { type: "queued", max_concurrent_runs: 1 } } });

const client = () => s.controlPlane.client;
const byTestId = (id: string) => s.page.getByTestId(id);
const sleepy = () =>
  client().submitRun({ location: "demo", job: "sleepy", run_config: { ops: { nap: { config: { seconds: 900 } } } } });

/** Presses Tab until the element with `testId` (in the queue row of `runId`, when given) has the focus. */
async function tabUntil(page: Page, testId: string, runId?: string, maxTabs = 80): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(
      ([id, run]) => {
        const el = document.activeElement;
        if (el?.getAttribute("data-testid") !== id) return false;
        return run === undefined || el.closest("tr")?.getAttribute("data-run-id") === run;
      },
      [testId, runId] as const,
    );
    if (focused) return;
  }
  throw new Error(`${testId} never got the keyboard focus`);
}

describe("the dashboard for people", () => {
  let done: Run;
  let failed: Run;
  let holder: Run;
  let first: Run;
  let second: Run;

  beforeAll(async () => {
    done = await client().submitRun({ location: "demo", job: "diamond" });
    await client().waitForRun(done.id, { statuses: ["SUCCESS"], timeoutMs: 60_000 });
    failed = await client().submitRun({ location: "demo", job: "fails" });
    await client().waitForRun(failed.id, { statuses: ["FAILURE"], timeoutMs: 60_000 });
    holder = await sleepy();
    await client().waitForRun(holder.id, { statuses: ["STARTED"], timeoutMs: 60_000 });
    first = await sleepy();
    second = await sleepy();
    await s.open("/");
    await s.signIn();
  });

  it("titles each tab after its page and marks the current nav item for screen readers", async () => {
    const { page } = s;
    await s.open(`/runs/${done.id}`);
    await byTestId("run-page").waitFor();
    expect(await page.title()).toBe(`Run ${shortRunId(done.id)} · Flightdeck`);
    expect(await byTestId("nav-runs").getAttribute("aria-current")).toBe("page");
    expect(await byTestId("nav-queue").getAttribute("aria-current")).toBeNull();
    await byTestId("nav-queue").click();
    await byTestId("queue-table").waitFor();
    expect(await page.title()).toBe("Queue · Flightdeck");
    expect(await byTestId("nav-queue").getAttribute("aria-current")).toBe("page");
  });

  it("offers a skip link as the first stop of the keyboard, which moves focus to the page", async () => {
    const { page } = s;
    await s.open("/runs");
    await byTestId("runs-page").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("skip-link");
    await s.browser.screenshot("people-skip-link");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
  });

  it("folds the nav behind a menu button on a phone", async () => {
    const { page } = s;
    await page.setViewportSize(PHONE);
    try {
      await s.open("/");
      await byTestId("nav-toggle").waitFor();
      expect(await byTestId("nav-runs").isVisible()).toBe(false);
      expect(await byTestId("nav-toggle").getAttribute("aria-expanded")).toBe("false");
      await byTestId("nav-toggle").click();
      expect(await byTestId("nav-toggle").getAttribute("aria-expanded")).toBe("true");
      await byTestId("nav-runs").waitFor();
      await s.browser.screenshot("people-nav-open-phone");
      await byTestId("nav-runs").click();
      await byTestId("runs-page").waitFor();
      // Choosing a page folds the menu again.
      await byTestId("nav-runs").waitFor({ state: "hidden" });
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("shows run ids by their random tail, so runs made together still read apart, and copies the full id", async () => {
    const { page } = s;
    await s.open("/queue");
    const link = (run: Run) =>
      page.locator(`[data-testid="queue-row"][data-run-id="${run.id}"] [data-testid="queue-run-link"]`);
    await link(second).waitFor();
    expect(await link(first).textContent()).toBe(shortRunId(first.id));
    expect(await link(second).textContent()).toBe(shortRunId(second.id));
    expect(shortRunId(first.id)).not.toBe(shortRunId(second.id));
    expect(first.id.replace(/-/g, "").endsWith(shortRunId(first.id))).toBe(true);

    await s.browser.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await s.open(`/runs/${done.id}`);
    await page.bringToFront();
    await byTestId("copy-button").click();
    await page.locator('[data-testid="copy-button"]', { hasText: /^Copied/ }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(done.id);
  });

  it("reorders the queue with the keyboard alone, and says what Run next did to the priority", async () => {
    const { page } = s;
    await s.open("/queue");
    await page.locator(`[data-testid="queue-row"][data-run-id="${second.id}"]`).waitFor();
    await tabUntil(page, "queue-run-next", second.id);
    await page.keyboard.press("Enter");
    const info = byTestId("queue-action-info");
    await info.waitFor();
    expect(await info.textContent()).toBe(
      `Run ${shortRunId(second.id)} moved to the front: its priority went from 0 to 1.`,
    );
    await page.locator(`[data-testid="queue-row"][data-run-id="${second.id}"][data-position="1"]`).waitFor();

    // The priority of the other waiting run, by keyboard: Enter opens the field, Enter saves.
    await tabUntil(page, "queue-priority", first.id);
    await page.keyboard.press("Enter");
    await byTestId("queue-priority-input").waitFor();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("5");
    await page.keyboard.press("Enter");
    await page.locator(`[data-testid="queue-row"][data-run-id="${first.id}"][data-position="1"]`).waitFor();
    await s.browser.screenshot("people-queue-reordered");
  });

  it("launches a job with the keyboard alone; Tab leaves the editor", async () => {
    const { page } = s;
    await s.open("/jobs/demo/greet");
    await byTestId("open-launchpad").waitFor();
    await tabUntil(page, "open-launchpad");
    await page.keyboard.press("Enter");
    await byTestId("launchpad-editor").waitFor();
    await tabUntil(page, "launchpad-editor");
    await page.keyboard.press("Control+A");
    await page.keyboard.type('{"ops": {"hello": {"config": {"name": "keyboard"}}}}');
    await page.keyboard.press("Tab"); // moves on: the editor never keeps Tab
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).not.toBe("launchpad-editor");
    await byTestId("launchpad-valid").waitFor();
    await tabUntil(page, "launchpad-launch");
    await page.keyboard.press("Enter");
    await byTestId("run-page").waitFor();
    const runId = await byTestId("run-page").getAttribute("data-run-id");
    expect(runId).toBeTruthy();
    const run = await client().getRun(runId ?? "");
    expect(run.run_config).toEqual({ ops: { hello: { config: { name: "keyboard" } } } });
  });

  it("shows a terminated run's step as canceled, with no error, and its ctx.log lines in the step's stderr", async () => {
    const { page } = s;
    await client().terminateRun(holder.id);
    await client().waitForRun(holder.id, { statuses: ["CANCELED"], timeoutMs: 60_000 });
    await s.open(`/runs/${holder.id}`);
    const step = page.locator('[data-testid="gantt-step"][data-step="nap"]');
    await page.locator('[data-testid="gantt-step"][data-step="nap"][data-outcome="canceled"]').waitFor();
    await page.locator('[data-testid="event-row"][data-type="RUN_CANCELED"]').waitFor();
    expect(await byTestId("run-errors").count()).toBe(0);
    await step.click();
    await page.locator('[data-testid="compute-log-stderr"]', { hasText: "flightdeck - INFO - sleepy" }).waitFor();
    expect(await byTestId("compute-log-stderr").textContent()).toContain("slept 0 of 900 seconds");
    await s.browser.screenshot("people-terminated-run");
  });

  it("hides heartbeats and DEBUG by default, dates every event, and pages a long log", async () => {
    const { page } = s;
    await s.open(`/runs/${done.id}`);
    await page.locator('[data-testid="event-row"][data-type="RUN_SUCCESS"]').waitFor();
    expect(await page.locator('[data-testid="event-row"][data-type="HEARTBEAT"]').count()).toBe(0);
    expect(await byTestId("event-level-DEBUG").getAttribute("aria-pressed")).toBe("false");
    const time = await page.locator('[data-testid="event-row"] .log-time').first().textContent();
    const day = new Date(done.created_at).toLocaleDateString("en-US", { month: "short", day: "numeric" });
    expect(time).toContain(day);
    await byTestId("event-raw").click();
    expect(await byTestId("event-raw-log").textContent()).toContain('"type":"RUN_SUCCESS"');
  });

  it("filters runs by a creation date range kept in the URL, says what launched each, and draws them on a timeline", async () => {
    const { page } = s;
    /** A datetime-local value (the browser's local time, to the minute). */
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await s.open("/runs");
    const rows = page.locator('[data-testid="run-row"]');
    await rows.first().waitFor();
    const kinds = await page
      .locator('[data-testid="run-launched-by"]')
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-kind")));
    expect(new Set(kinds)).toEqual(new Set(["manual"]));
    // Each value computed once: computed again for the check, it may fall in the next minute.
    const inAnHour = local(Date.now() + 3_600_000);
    await byTestId("runs-filter-created-after").fill(inAnHour);
    await byTestId("runs-empty").waitFor();
    expect(new URL(page.url()).searchParams.get("created_after")).toBe(inAnHour);
    await byTestId("runs-filter-created-after").fill(local(done.created_at - 60_000));
    const inTwoMinutes = local(Date.now() + 120_000);
    await byTestId("runs-filter-created-before").fill(inTwoMinutes);
    await page.locator(`[data-testid="run-row"][data-run-id="${done.id}"]`).waitFor();
    // The range survives a reload: it lives in the URL.
    await page.reload();
    await page.locator(`[data-testid="run-row"][data-run-id="${done.id}"]`).waitFor();
    expect(await byTestId("runs-filter-created-before").inputValue()).toBe(inTwoMinutes);

    await byTestId("runs-layout-timeline").click();
    await byTestId("runs-timeline").waitFor();
    expect(new URL(page.url()).searchParams.get("view")).toBe("timeline");
    const bar = page.locator(`[data-testid="runs-timeline-bar"][data-run-id="${failed.id}"]`);
    expect(await bar.getAttribute("data-status")).toBe("FAILURE");
    expect(await bar.getAttribute("aria-label")).toContain("Failure");
    expect(await page.locator('[data-testid="runs-timeline-row"][data-job="sleepy"]').count()).toBe(1);
    await s.browser.screenshot("runs-timeline-filtered");
    await bar.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === `/runs/${failed.id}`);
  });

  it("saves a pool limit with Enter, cancels with Escape, and drops an error once it is fixed", async () => {
    const { page } = s;
    await client().request("PUT", "/api/concurrency/pools/warehouse", z.unknown(), { limit: 1 });
    await s.open("/pools");
    const card = page.locator('[data-testid="pool-row"][data-pool="warehouse"]');
    await card.getByTestId("pool-edit-limit").click();
    const input = card.getByTestId("pool-limit-input");
    await input.fill("-1");
    await card.locator(".field-error").waitFor();
    await input.fill("3");
    expect(await card.locator(".field-error").count()).toBe(0);
    await input.press("Enter");
    await card.locator('[data-testid="pool-limit"]', { hasText: "3" }).waitFor();
    await card.getByTestId("pool-edit-limit").click();
    await card.getByTestId("pool-limit-input").fill("7");
    await card.getByTestId("pool-limit-input").press("Escape");
    await card.getByTestId("pool-edit-limit").waitFor();
    expect(await card.getByTestId("pool-limit").textContent()).toBe("3");
  });
  it("edits instance settings in a form checked as you type, and lists the change in the history", async () => {
    const { page } = s;
    await s.open("/instance");
    await byTestId("instance-edit").click();
    const input = page.locator('[data-testid="instance-input"][data-path="run_coordinator.max_concurrent_runs"]');
    await input.fill("many");
    const error = page.locator('[data-testid="instance-error"][data-path="run_coordinator.max_concurrent_runs"]');
    await error.waitFor();
    expect(await error.textContent()).toBe("Enter a number.");
    expect(await byTestId("instance-save").isDisabled()).toBe(true);
    await input.fill("3");
    await error.waitFor({ state: "detached" });
    expect(await byTestId("instance-save").textContent()).toBe("Save 1 change");
    await s.browser.screenshot("people-instance-editing");
    await input.press("Enter");
    await byTestId("instance-saved").waitFor();
    await page
      .locator(
        '[data-testid="instance-setting"][data-path="run_coordinator.max_concurrent_runs"][data-source="override"]',
      )
      .waitFor();
    const change = page.locator(
      '[data-testid="instance-change-path"][data-path="run_coordinator.max_concurrent_runs"]',
    );
    await change.first().waitFor();
    expect(await change.first().textContent()).toBe("run_coordinator.max_concurrent_runs: 1 → 3");
    await s.browser.screenshot("people-instance-history");
  });

  it("creates an API token showing its secret once, revokes it, and finds both in the audit log by filter", async () => {
    const { page } = s;
    await s.open("/tokens");
    await byTestId("token-form").waitFor();
    await byTestId("token-name").fill("ci-deploys");
    await byTestId("token-role").selectOption("launcher");
    await byTestId("token-create").click();
    const secret = (await byTestId("token-secret").textContent()) ?? "";
    expect(secret).toMatch(/^fdt_[A-Za-z0-9_-]{43}$/);
    const row = page.locator('[data-testid="token-row"][data-token="ci-deploys"]');
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("active");
    // The secret works, as the launcher it was made for.
    const asLauncher = await fetch(`${s.controlPlane.url}/api/queue/pause`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(asLauncher.status).toBe(403);
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      await page.setViewportSize(size);
      expect(await seriousViolations(page)).toEqual([]);
      await s.browser.screenshot(`access-tokens-created-${label}`);
    }
    await page.setViewportSize(DESKTOP);
    await byTestId("token-secret-done").click();
    expect(await byTestId("token-secret").count()).toBe(0);

    await row.getByTestId("token-revoke").click();
    await byTestId("confirm-ok").click();
    await page.locator('[data-testid="token-row"][data-token="ci-deploys"][data-status="revoked"]').waitFor();
    const refused = await fetch(`${s.controlPlane.url}/api/runs?limit=1`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);

    await s.open("/audit");
    await byTestId("audit-table").waitFor();
    await byTestId("audit-action").fill("token.revoke");
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('[data-testid="audit-row"]'));
      return rows.length > 0 && rows.every((r) => r.getAttribute("data-action") === "token.revoke");
    });
    expect(await byTestId("audit-row-actor").first().textContent()).toMatch(/^session \w{8} \(admin token\)$/);
    await byTestId("audit-action").fill("");
    await byTestId("audit-actor").fill("no such actor");
    await page.getByText("Nothing matches").waitFor();
    await byTestId("audit-actor").fill("admin token");
    await byTestId("audit-table").waitFor();
    for (const [size, label] of [
      [DESKTOP, "desktop"],
      [PHONE, "phone"],
    ] as const) {
      await page.setViewportSize(size);
      expect(await seriousViolations(page)).toEqual([]);
      await s.browser.screenshot(`access-audit-${label}`);
    }
    await page.setViewportSize(DESKTOP);
  });

  it("stops polling a run that does not exist, and offers no launchpad for an unknown job", async () => {
    const { page } = s;
    const missing = "01900000-0000-7000-8000-000000000000";
    const asked: string[] = [];
    page.on("request", (req) => {
      if (req.url().includes(`/api/runs/${missing}`)) asked.push(req.url());
    });
    await page.clock.install();
    await s.open(`/runs/${missing}`);
    await byTestId("api-error").waitFor();
    await page.clock.runFor(10_000);
    // A round trip after the clock ran: any poll it started has been sent by now.
    await page.evaluate(() => fetch("/api/health").then((r) => r.status));
    // One question each for the run, its step summary and its events, then silence.
    const paths = asked.map((u) => new URL(u).pathname);
    expect(paths.filter((p) => p === `/api/runs/${missing}`)).toHaveLength(1);
    expect(new Set(paths).size).toBe(paths.length);

    await s.open("/jobs/demo/no_such_job");
    await byTestId("job-not-found").waitFor();
    expect(await byTestId("open-launchpad").count()).toBe(0);
    await s.browser.screenshot("people-unknown-job");
  });
});
