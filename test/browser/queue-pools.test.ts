/**
 * The queue page in Chromium for a run held back by an op concurrency pool
 * (`run_coordinator.block_op_concurrency_limited_runs`), against the real control plane and real
 * run workers of test/e2e/fixtures/pool-first-location.ts: while one run's first step holds the
 * slot of pool "warehouse" (limit 1), the next waits in the queue and its row says which pool,
 * how full; once the slot frees it launches.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PoolSchema } from "../../protocol";
import { REPO_ROOT } from "../../scripts/lib/local-stack";
import { waitUntil } from "../support/e2e-stack";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack({
  instanceConfig: {
    run_coordinator: { type: "queued", block_op_concurrency_limited_runs: { enabled: true } },
    concurrency: { pools: { limits: { warehouse: 1 } } },
  },
  location: { name: "pools", file: path.join(REPO_ROOT, "test/e2e/fixtures/pool-first-location.ts") },
});

const client = () => s.controlPlane.client;

function submitHolder(name: string) {
  const releaseFile = path.join(s.dir, `release-${name}`);
  return client()
    .submitRun({
      location: "pools",
      job: "warehouse_first",
      run_config: { ops: { hold: { config: { release_file: releaseFile } } } },
    })
    .then((run) => ({ run, release: () => writeFileSync(releaseFile, "") }));
}

describe("the queue page with runs waiting for op concurrency pools", () => {
  it("says a run waits for its first step's full pool, then launches it when the slot frees", async () => {
    const holder = await submitHolder("a");
    await waitUntil(
      async () =>
        (await client().request("GET", "/api/concurrency/pools/warehouse", PoolSchema)).slots.some(
          (slot) => slot.run_id === holder.run.id,
        ),
      30_000,
      "the holder's slot",
    );
    const waiting = await submitHolder("b");
    waiting.release();

    await s.open("/queue");
    await s.signIn();
    const row = s.page.locator(`[data-testid="queue-row"][data-run-id="${waiting.run.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-reason")).toBe("op_concurrency_pools");
    const reason = (await row.getByTestId("queue-reason").textContent()) ?? "";
    expect(reason).toContain("warehouse");
    expect(reason).toContain("1 of 1 in use");
    await s.browser.screenshot("queue-pools-waiting");

    holder.release();
    const done = await client().waitForRun(waiting.run.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("SUCCESS");
    // The live page drops the row once the run has launched.
    await row.waitFor({ state: "detached", timeout: 30_000 });
  });
});
