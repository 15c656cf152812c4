/**
 * The Agents page in Chromium against the real control plane: two real `flightdeck agent`
 * processes serving the demo module as code location "fleet", listed under it with their host,
 * definitions version, runs held of their max and last ping; a run placed on one of them, linked
 * from its row, whose page (and row in the runs list) names the agent — still after the run ended
 * and the agent is gone — and the location shown without agents once both stopped; their token
 * listed on the tokens page. Checked with axe and at phone width.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run } from "../../protocol";
import { type AgentProcess, createAgentToken, startAgent } from "../../scripts/lib/agents";
import { shortRunId } from "../../ui/lib/run-id";
import { DEMO_LOCATION_FILE } from "../support/e2e-stack";
import { compiledCli } from "../support/provided";
import { seriousViolations, settled } from "./support/axe";
import { useDashboardStack } from "./support/dashboard-stack";

const MAX_RUNS = 2;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

const s = useDashboardStack();
const agents = new Map<string, AgentProcess>();

beforeAll(async () => {
  const token = await createAgentToken(s.controlPlane.client, "fleet agents", "fleet");
  const start = async (name: string) => {
    const agent = await startAgent({
      // The runner compiled once for the run (test/support/provided.ts), as the code location servers are.
      cli: compiledCli(),
      file: DEMO_LOCATION_FILE,
      controlPlane: s.controlPlane.url,
      token,
      dataDir: path.join(s.dir, name),
      maxRuns: MAX_RUNS,
      standbyWorkers: 0,
    });
    agents.set(name, agent);
  };
  await start("a1"); // the first registers the location; the second joins it
  await start("a2");
});
// Registered after the stack's own hooks, so it runs before the stack's teardown.
afterAll(async () => {
  await Promise.allSettled([...agents.values()].map((agent) => agent.stop()));
});

describe("agents page", () => {
  let run: Run;

  it("lists both agents under their code location with the run one of them holds, passes axe and fits a phone", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    run = await client.submitRun({
      location: "fleet",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 600 } } } },
    });
    await client.waitForRun(run.id, { statuses: ["STARTED"], timeoutMs: 60_000 });
    await s.open("/agents");
    await s.signIn();
    const fleet = page.locator('[data-testid="agent-location"][data-location="fleet"]');
    await fleet.locator('[data-testid="agent-row"]').nth(1).waitFor();
    const ids = await fleet
      .getByTestId("agent-row")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-agent-id")));
    expect(new Set(ids)).toEqual(new Set([...agents.values()].map((a) => a.id)));
    expect(await fleet.getByTestId("agent-location-mid-deploy").count()).toBe(0);
    const holder = fleet.getByTestId("agent-row").filter({ has: page.getByTestId("agent-run") });
    await holder
      .getByTestId("agent-run")
      .filter({ hasText: shortRunId(run.id) })
      .waitFor();
    expect(await holder.getByTestId("agent-capacity").textContent()).toContain(`1 / ${MAX_RUNS}`);
    expect(await holder.getByTestId("agent-host").textContent()).toMatch(/\S/);
    expect(await holder.getByTestId("agent-last-ping").textContent()).toMatch(/ago|now/);
    // The demo code location is pushed, not served by agents: it has no card here.
    expect(await page.locator('[data-testid="agent-location"][data-location="demo"]').count()).toBe(0);
    await settled(page);
    expect(await seriousViolations(page)).toEqual([]);
    await s.browser.screenshot("agents-desktop");
    await page.setViewportSize(PHONE);
    try {
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      expect(await seriousViolations(page)).toEqual([]);
      await s.browser.screenshot("agents-phone");
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("names the run's agent on its page, reached from the agent's row, still after the run ended and the agent is gone", async () => {
    const { page } = s;
    const { client } = s.controlPlane;
    const holderId = (await client.getRun(run.id)).agent?.id;
    const holder = [...agents.values()].find((a) => a.id === holderId);
    if (!holder) throw new Error(`run ${run.id} names no agent of ours: ${holderId}`);
    await page
      .getByTestId("agent-run")
      .filter({ hasText: shortRunId(run.id) })
      .click();
    const named = page.getByTestId("run-agent");
    await named.filter({ hasText: holder.id }).waitFor();
    await client.terminateRun(run.id);
    await client.waitForRun(run.id, { timeoutMs: 60_000 });
    await holder.stop();
    await page.reload();
    await named.filter({ hasText: holder.id }).waitFor();
    expect((await client.getRun(run.id)).agent?.id).toBe(holder.id);
    await named.getByRole("link", { name: holder.id }).click();
    await page.getByTestId("agents-page").waitFor();
    // The runs list names it too, compactly, under the code location.
    await s.open("/runs");
    const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
    await row.getByTestId("run-row-agent").filter({ hasText: holder.id }).waitFor();
    await s.open("/agents");
  });

  it("shows the agent location with no agent connected once its agents stopped", async () => {
    const { page } = s;
    await Promise.all([...agents.values()].map((a) => a.stop()));
    const fleet = page.locator('[data-testid="agent-location"][data-location="fleet"]');
    await fleet.getByTestId("agent-location-none").waitFor();
    expect(await fleet.getByTestId("agent-row").count()).toBe(0);
    await s.browser.screenshot("agents-none-connected");
  });

  it("lists the agent token beside the API tokens, with its code location", async () => {
    const { page } = s;
    await s.open("/tokens");
    const row = page.locator('[data-testid="agent-token-row"][data-location="fleet"]');
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("active");
    expect(await row.textContent()).toContain("fleet agents");
    expect(await seriousViolations(page)).toEqual([]);
  });
});
