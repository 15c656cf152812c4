/**
 * The Pools page in Chromium against the real control plane (issue 5): a pool with its limit
 * from the instance config, the run and step holding its slot (a real run worker of
 * examples/pools/location.ts), and the limit edited from the page; a pool limit added (checked as
 * you type) and deleted, at desktop and phone sizes.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InstanceHistoryReplySchema } from "../../protocol";
import { type CodeLocationServer, REPO_ROOT, registerCodeLocation } from "../../scripts/lib/local-stack";
import { shortRunId } from "../../ui/lib/run-id";
import { startCodeLocation } from "../support/e2e-stack";
import { useDashboardStack } from "./support/dashboard-stack";

const s = useDashboardStack({ instanceConfig: { concurrency: { pools: { limits: { warehouse: 1 } } } } });
let pools: CodeLocationServer | undefined;
beforeAll(async () => {
  // In the stack's directory, which its teardown removes.
  pools = await startCodeLocation({
    name: "pools",
    file: path.join(REPO_ROOT, "examples/pools/location.ts"),
    dataDir: path.join(s.dir, "pools"),
  });
  await registerCodeLocation(s.controlPlane, pools);
});
// Before the stack's teardown (after-hooks run in reverse): the location stops first.
afterAll(async () => {
  await pools?.stop();
});

describe("pools page", () => {
  it("shows who holds the warehouse slot and edits the pool's limit", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    const run = await client.submitRun({ location: "pools", job: "warehouse_hold" });
    await s.open("/pools");
    await s.signIn();
    const card = page.locator('[data-testid="pool-row"][data-pool="warehouse"]');
    await card.waitFor();
    expect(await card.getByTestId("pool-limit").textContent()).toBe("1");
    await card
      .getByTestId("pool-slot")
      .filter({ hasText: shortRunId(run.id) })
      .waitFor();
    expect(await card.getByTestId("pool-in-use").textContent()).toBe("1");
    await s.browser.screenshot("pools");
    await card.getByTestId("pool-edit-limit").click();
    await card.getByTestId("pool-limit-input").fill("3");
    await card.getByRole("button", { name: "Save" }).click();
    await card.getByTestId("pool-limit").filter({ hasText: "3" }).waitFor();
    await client.terminateRun(run.id);
    await client.waitForRun(run.id, { timeoutMs: 30_000 });
    await card.getByTestId("pool-slot").waitFor({ state: "detached" });
  });

  it("adds a limit for a new pool, refusing a bad name as you type, and deletes it", async () => {
    const { page } = s;
    // Still on the Pools page from the test above.
    const form = page.getByTestId("add-pool");
    await form.waitFor();
    await form.getByTestId("add-pool-name").fill("bad name");
    expect(await form.getByTestId("add-pool-error").textContent()).toContain("letters, digits");
    expect(await form.getByTestId("add-pool-save").isDisabled()).toBe(true);
    await form.getByTestId("add-pool-name").fill("db/replica");
    await form.getByTestId("add-pool-limit").fill("2");
    expect(await form.getByTestId("add-pool-error").count()).toBe(0);
    await form.getByTestId("add-pool-limit").press("Enter");
    const card = page.locator('[data-testid="pool-row"][data-pool="db/replica"]');
    await card.getByTestId("pool-limit").filter({ hasText: "2" }).waitFor();
    await s.browser.screenshot("pools-added-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await s.browser.screenshot("pools-added-phone");
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
    await card.getByTestId("pool-delete-limit").click();
    await page.getByTestId("confirm-ok").click();
    // No op names the pool and it holds nothing: once its limit is gone, so is the pool.
    await card.waitFor({ state: "detached" });
    const history = await s.controlPlane.client.request("GET", "/api/instance/history", InstanceHistoryReplySchema);
    expect(history.changes.slice(0, 2).map((c) => [c.action, c.target])).toEqual([
      ["pool.delete", "db/replica"],
      ["pool.update", "db/replica"],
    ]);
  });
});
