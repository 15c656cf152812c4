/**
 * Agents end to end: `wrangler dev` on loopback, the demo code location pushed as usual, and three
 * real `flightdeck agent` processes serving the same module as code location "fleet" by dialling
 * out to the run coordinator. Runs spread within each agent's --max-runs; a full house leaves a
 * run queued with the reason; an agent killed with SIGKILL has its runs failed (AGENT_LOST) and its
 * run workers gone; an agent started again gets the waiting run.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentListSchema, QueueReplySchema, type Run } from "../../protocol";
import { createAgentToken, startAgent as startAgentProcess } from "../../scripts/lib/agents";
import type { Spawned } from "../../scripts/lib/processes";
import {
  DEMO_LOCATION_FILE,
  type E2EStack,
  isProcessAlive,
  runWorkerPid,
  startE2EStack,
  waitUntil,
} from "../support/e2e-stack";
import { compiledCli } from "../support/provided";

const MAX_RUNS = 2;
const sleepy = { location: "fleet", job: "sleepy", run_config: { ops: { nap: { config: { seconds: 120 } } } } };

let stack: E2EStack;
let token = "";
const agents = new Map<string, { proc: Spawned; dataDir: string; id: string }>();

async function startAgent(name: string): Promise<void> {
  const agent = await startAgentProcess({
    // The runner compiled once for the run (test/support/provided.ts), as the code location servers are.
    cli: compiledCli(),
    file: DEMO_LOCATION_FILE,
    controlPlane: stack.controlPlane.url,
    token,
    maxRuns: MAX_RUNS,
    dataDir: path.join(stack.dir, name),
    standbyWorkers: 0,
  });
  agents.set(name, { proc: agent.process, dataDir: agent.dataDir, id: agent.id });
}

async function listAgents() {
  return (await stack.controlPlane.client.request("GET", "/api/agents", AgentListSchema)).agents;
}

async function queue() {
  return stack.controlPlane.client.request("GET", "/api/queue", QueueReplySchema);
}

beforeAll(async () => {
  stack = await startE2EStack();
  token = await createAgentToken(stack.controlPlane.client, "fleet agents", "fleet");
  // The first agent registers the location; the others join it.
  await startAgent("a1");
  await Promise.all([startAgent("a2"), startAgent("a3")]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([...agents.values()].map((agent) => agent.proc.stop()));
  await stack?.teardown();
});

describe("three agents serving one code location", () => {
  const submitted: Run[] = [];

  it("spread runs over the agents within each agent's max runs, and a full house leaves a run queued with the reason", async () => {
    const { client } = stack.controlPlane;
    expect((await listAgents()).map((a) => a.location)).toEqual(["fleet", "fleet", "fleet"]);
    for (let i = 0; i < 3 * MAX_RUNS; i++) submitted.push(await client.submitRun(sleepy));
    await Promise.all(submitted.map((run) => client.waitForRun(run.id, { statuses: ["STARTED"], timeoutMs: 60_000 })));
    const listed = await listAgents();
    expect(listed.map((a) => a.running_runs.length)).toEqual([MAX_RUNS, MAX_RUNS, MAX_RUNS]);
    expect(new Set(listed.flatMap((a) => a.running_runs))).toEqual(new Set(submitted.map((r) => r.id)));

    const extra = await client.submitRun(sleepy);
    submitted.push(extra);
    await waitUntil(
      async () => (await queue()).queued.some((q) => q.run_id === extra.id),
      60_000,
      "the extra run queued",
    );
    const waiting = (await queue()).queued.find((q) => q.run_id === extra.id);
    expect(waiting?.wait).toEqual({ reason: "agent_capacity", location: "fleet", capacity: 6, in_use: 6, agents: 3 });
    expect((await client.getRun(extra.id)).status).toBe("QUEUED");

    // A pushed code location keeps working beside the agents.
    const pushed = await client.waitForRun((await client.submitRun({ location: "demo", job: "noop" })).id);
    expect(pushed.status).toBe("SUCCESS");
  }, 120_000);

  it("fails the runs of an agent killed with SIGKILL (AGENT_LOST), and its run workers die with it", async () => {
    const { client } = stack.controlPlane;
    const victim = agents.get("a1");
    if (!victim) throw new Error("no agent a1");
    const held = (await listAgents()).find((a) => a.id === victim.id)?.running_runs ?? [];
    expect(held).toHaveLength(MAX_RUNS);
    const workerPids = held.map((runId) => runWorkerPid(victim.dataDir, runId));
    expect(workerPids.every((pid) => pid !== null && isProcessAlive(pid))).toBe(true);

    const killedAt = Date.now();
    process.kill(victim.proc.child.pid ?? 0, "SIGKILL");
    // Its socket closes with it, and the close is what fails the runs (within a ping timeout, 5 s,
    // had it not closed). How soon depends on the machine's load, so it is logged, not asserted:
    // the timeout here only catches a hang.
    const ended = await Promise.all(held.map((id) => client.waitForRun(id, { timeoutMs: 60_000 })));
    console.log(`agent SIGKILL → its runs failed in ${Date.now() - killedAt} ms`);
    expect(ended.map((r) => r.status)).toEqual(held.map(() => "FAILURE"));
    for (const run of ended) {
      const failure = (await client.listEvents(run.id)).find((e) => e.type === "RUN_FAILURE");
      expect(failure?.data?.failure_reason).toBe("AGENT_LOST");
    }
    await waitUntil(
      () => workerPids.every((pid) => pid === null || !isProcessAlive(pid)),
      30_000,
      "orphaned run workers to die",
    );
    expect((await listAgents()).map((a) => a.id)).not.toContain(victim.id);
    // The other two are still full: the extra run still waits for an agent.
    const extra = submitted.at(-1);
    expect((await queue()).queued.find((q) => q.run_id === extra?.id)?.wait).toMatchObject({
      reason: "agent_capacity",
      capacity: 4,
      in_use: 4,
      agents: 2,
    });
  }, 120_000);

  it("gives new work to an agent that connects again", async () => {
    const { client } = stack.controlPlane;
    const extra = submitted.at(-1);
    if (!extra) throw new Error("no extra run");
    await startAgent("a1");
    const started = await client.waitForRun(extra.id, { statuses: ["STARTED"], timeoutMs: 30_000 });
    expect(started.status).toBe("STARTED");
    const back = agents.get("a1");
    expect((await listAgents()).find((a) => a.id === back?.id)?.running_runs).toEqual([extra.id]);

    // Terminating a run on an agent goes over its socket.
    const terminated = await client.terminateRun(extra.id);
    expect(["CANCELING", "CANCELED"]).toContain(terminated.status);
    expect((await client.waitForRun(extra.id, { timeoutMs: 30_000 })).status).toBe("CANCELED");
  }, 90_000);
});
