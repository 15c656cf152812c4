/**
 * The run page shows the daemon's decisions and the retry chain (issue 6), in Chromium against
 * `wrangler dev --test-scheduled` and the demo location: a run past its `flightdeck/max_runtime`
 * is failed by run monitoring and retried by run retries; the retry, which inherits the run's
 * config and tags, fails the same way and is not retried (its budget is spent). Both run pages
 * show those decisions in their own card, and the retry chain links the two runs.
 */
import { describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { shortRunId } from "../../ui/lib/run-id";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack({
  daemon: true,
  instanceConfig: { run_coordinator: { type: "default" }, run_retries: { enabled: true, max_retries: 1 } },
});

/** One daemon iteration, as the cron would run it: schedules, sensors, run monitoring, run retries. */
async function runScheduled(): Promise<void> {
  const res = await fetch(`${s.controlPlane.url}/__scheduled?cron=*+*+*+*+*`);
  expect(res.status).toBe(200);
  await res.text();
}

/** Waits for the run to start, lets it pass its 2 s max runtime, and runs the daemon until it has failed. */
async function outliveMaxRuntime(runId: string): Promise<Run> {
  const { client } = s.controlPlane;
  await client.waitForRun(runId, { statuses: ["STARTED"], timeoutMs: 30_000 });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await runScheduled();
  return client.waitForRun(runId, { timeoutMs: 30_000 });
}

const rows = () => s.page.locator('[data-testid="run-decision"]');

describe("the run page's daemon decisions and retry chain", () => {
  it("shows run monitoring failing a run, run retries retrying it, and the chain between the two runs", async () => {
    const { client } = s.controlPlane;
    const first = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 60 } } } },
      tags: { "flightdeck/max_runtime": "2" },
    });
    expect((await outliveMaxRuntime(first.id)).status).toBe("FAILURE");
    // The same iteration's run retries pass has already decided; a second iteration decides nothing new.
    await runScheduled();
    const retryDecisions = (await client.listEvents(first.id)).filter((e) => e.data?.retry === "RETRY");
    expect(retryDecisions).toHaveLength(1);
    const retryId = String(retryDecisions[0]?.data?.retry_run_id);
    expect((await outliveMaxRuntime(retryId)).status).toBe("FAILURE");
    await runScheduled();

    // The retry's page: its own decisions, and where it sits in the chain.
    await s.open(`/runs/${retryId}`);
    await s.signIn();
    await s.page.getByTestId("run-decisions").waitFor();
    await rows().nth(1).waitFor();
    expect(await rows().evaluateAll((els) => els.map((el) => `${el.dataset.source}:${el.dataset.verdict}`))).toEqual([
      "MONITORING:FAIL",
      "RETRIES:NO_RETRY",
    ]);
    expect(await rows().nth(0).textContent()).toContain("maximum runtime of 2 seconds");
    expect(await rows().nth(1).textContent()).toContain("1 of 1 retries used");
    const chain = s.page.getByTestId("run-lineage");
    await chain.getByText("Retry chain").waitFor();
    const links = chain.locator('[data-testid="lineage-run"]');
    expect(await links.count()).toBe(2);
    expect(await links.nth(0).getAttribute("data-kind")).toBe("root");
    expect(await links.nth(1).getAttribute("data-kind")).toBe("retry");
    expect(await links.nth(1).getAttribute("data-retry-number")).toBe("1");
    expect(await links.nth(1).getAttribute("data-current")).toBe("true");
    expect(await links.nth(1).textContent()).toContain(shortRunId(first.id));
    await s.browser.screenshot("run-decisions-retry");

    // Up the chain to the first run: failed by monitoring, retried as the run we came from.
    await links
      .nth(0)
      .getByRole("link", { name: shortRunId(first.id) })
      .click();
    await s.page.waitForURL((url) => url.pathname === `/runs/${first.id}`);
    await s.page.locator('[data-testid="run-decision"][data-verdict="RETRY"]').waitFor();
    expect(await rows().evaluateAll((els) => els.map((el) => `${el.dataset.source}:${el.dataset.verdict}`))).toEqual([
      "MONITORING:FAIL",
      "RETRIES:RETRY",
    ]);
    expect(await s.page.getByTestId("decision-retry-link").textContent()).toBe(shortRunId(retryId));
    await s.page.locator('[data-testid="lineage-run"][data-current="true"][data-kind="root"]').waitFor();
    expect(await s.page.getByTestId("run-retry-summary").textContent()).toContain("1 retry");
    await s.browser.screenshot("run-decisions-root");
    await s.page.getByTestId("decision-retry-link").click();
    await s.page.waitForURL((url) => url.pathname === `/runs/${retryId}`);
    expect(s.browser.pageErrors).toEqual([]);
  });
});
