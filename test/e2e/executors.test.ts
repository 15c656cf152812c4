/**
 * Executors end to end: `wrangler dev` with local D1 and R2, a real `flightdeck serve` of the
 * executors example (plus a fan-out whose steps meet:
 * runner/testing/fixtures/executors-rendezvous-location.ts), real run workers starting real step
 * processes.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ComputeLogReplySchema,
  type RunConfig,
  RunLineageSchema,
  RunReplySchema,
  type StoredEvent,
} from "../../protocol";
import { MEET_MAX_CONCURRENT, meetRunConfig } from "../../runner/testing/fixtures/meet-config";
import { processesInGroup } from "../../runner/testing/process-table";
import { type CodeLocationServer, REPO_ROOT, registerCodeLocation } from "../../scripts/lib/local-stack";
import { type E2EStack, runWorkerPid, startCodeLocation, startE2EStack, waitUntil } from "../support/e2e-stack";

let stack: E2EStack;
let executors: CodeLocationServer;
const dataDir = () => path.join(stack.dir, "executors");

beforeAll(async () => {
  stack = await startE2EStack();
  executors = await startCodeLocation({
    name: "executors",
    file: path.join(REPO_ROOT, "runner/testing/fixtures/executors-rendezvous-location.ts"),
    dataDir: dataDir(),
  });
  const registered = await registerCodeLocation(stack.controlPlane, executors);
  if (registered.status !== "LOADED") throw new Error(`executors location did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await executors?.stop();
  await stack?.teardown();
});

const of = (events: StoredEvent[], type: string, step?: string) =>
  events.filter((e) => e.type === type && (step === undefined || e.step_key === step));

async function runToEnd(job: string, runConfig: RunConfig = {}) {
  const { client } = stack.controlPlane;
  const submitted = await client.submitRun({ location: "executors", job, run_config: runConfig });
  // Bounded near the test's timeout: a 20-process fan-out takes tens of seconds on a loaded machine.
  const run = await client.waitForRun(submitted.id, { timeoutMs: 100_000 });
  return { run, events: await client.listEvents(run.id) };
}

describe("executors against the control plane", () => {
  it("a 20-step fan-out under multiprocess with max_concurrent 4 never runs more than 4 steps at once", async () => {
    // Each step waits until 4 have started: the run ends only if 4 ran at once.
    const meeting = path.join(stack.dir, "meeting");
    await mkdir(meeting);
    const { run, events } = await runToEnd("fan_out_meet", meetRunConfig(meeting));
    expect(run.status).toBe("SUCCESS");
    let running = 0;
    let max = 0;
    for (const e of events) {
      if (e.type === "STEP_START") max = Math.max(max, ++running);
      if (e.type === "STEP_SUCCESS" || e.type === "STEP_FAILURE") running--;
    }
    expect(of(events, "STEP_SUCCESS")).toHaveLength(20);
    expect(max).toBe(MEET_MAX_CONCURRENT);
  });

  it("a flaky op succeeds on its third attempt after the delays its policy says (LINEAR 0.3 s: 300, 600 ms)", async () => {
    const { run, events } = await runToEnd("flaky");
    expect(run.status).toBe("SUCCESS");
    const retries = of(events, "STEP_UP_FOR_RETRY");
    const restarts = of(events, "STEP_RESTARTED");
    expect(retries.map((e) => e.data?.delay_ms)).toEqual([300, 600]);
    expect(restarts).toHaveLength(2);
    retries.forEach((retry, i) => {
      const waited = (restarts[i]?.ts ?? 0) - retry.ts;
      expect(waited).toBeGreaterThanOrEqual(Number(retry.data?.delay_ms) - 5);
    });
    expect(of(events, "STEP_SUCCESS", "flaky_op")[0]?.data?.attempt).toBe(3);
  });

  it("a run failing in its last step, re-executed FROM_FAILURE, runs only that step with inputs from the parent", async () => {
    const marker = path.join(stack.dir, `marker-${randomUUID()}`);
    const parent = await runToEnd("last_fails", { ops: { c: { config: { marker } } } });
    expect(parent.run.status).toBe("FAILURE");
    const { client } = stack.controlPlane;
    const child = (
      await client.request("POST", `/api/runs/${parent.run.id}/reexecute`, RunReplySchema, { strategy: "FROM_FAILURE" })
    ).run;
    expect(child.tags).toMatchObject({
      "flightdeck/parent_run_id": parent.run.id,
      "flightdeck/root_run_id": parent.run.id,
    });
    const done = await client.waitForRun(child.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("SUCCESS");
    const events = await client.listEvents(child.id);
    expect(new Set(events.flatMap((e) => (e.step_key ? [e.step_key] : [])))).toEqual(new Set(["c"]));
    expect(of(events, "STEP_OUTPUT", "c")[0]?.data).toEqual({ output: "result", value: 42 });
    const lineage = await client.request("GET", `/api/runs/${child.id}/lineage`, RunLineageSchema);
    expect(lineage.runs.map((r) => r.id)).toEqual([parent.run.id, child.id]);
  });

  it("terminating a multiprocess run leaves no process behind", async () => {
    const { client } = stack.controlPlane;
    const submitted = await client.submitRun({ location: "executors", job: "long_steps" });
    await waitUntil(
      async () => of(await client.listEvents(submitted.id), "STEP_START").length === 3,
      30_000,
      "3 steps to start",
    );
    const pgid = runWorkerPid(dataDir(), submitted.id);
    expect(pgid).not.toBeNull();
    expect(processesInGroup(pgid ?? 0).length).toBeGreaterThanOrEqual(4);
    await client.terminateRun(submitted.id);
    const run = await client.waitForRun(submitted.id, { timeoutMs: 30_000 });
    expect(run.status).toBe("CANCELED");
    await waitUntil(() => processesInGroup(pgid ?? 0).length === 0, 30_000, "no process left in the run's group");
  });

  it("a step's printed lines appear in its compute log", async () => {
    const { run } = await runToEnd("prints");
    expect(run.status).toBe("SUCCESS");
    const { client } = stack.controlPlane;
    let log = { stdout: "", stderr: "" };
    await waitUntil(
      async () => {
        log = await client.request("GET", `/api/runs/${run.id}/compute-logs/printer`, ComputeLogReplySchema);
        return log.stderr.includes("a line on stderr");
      },
      30_000,
      "the compute log upload",
    );
    expect(log.stdout).toContain(
      "hello from the printer, line 1\nhello from the printer, line 2\nhello from the printer, line 3\n",
    );
  });
});
