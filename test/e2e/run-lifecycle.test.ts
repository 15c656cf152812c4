/**
 * The first slice end to end: `wrangler dev` with local D1, a real `flightdeck serve` of the demo
 * code location, real run worker processes, real HTTP launches and real event webhooks.
 */

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../protocol";
import { type E2EStack, isProcessAlive, runWorkerPid, startE2EStack, waitUntil } from "../support/e2e-stack";

let stack: E2EStack;
beforeAll(async () => {
  stack = await startE2EStack();
});
afterAll(async () => {
  await stack?.teardown();
});

const workerEvents = (events: StoredEvent[]) => events.filter((e) => e.seq !== null);
const stepEvents = (events: StoredEvent[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.step_key);

describe("a run launched by the control plane on a real run worker", () => {
  it("runs a diamond of 4 ops to SUCCESS with events in order and outputs passed along", async () => {
    const { client } = stack.controlPlane;
    const submitted = await client.submitRun({
      location: "demo",
      job: "diamond",
      run_config: { ops: { a: { config: { value: 5 } } } },
    });
    const run = await client.waitForRun(submitted.id);
    expect(run.status).toBe("SUCCESS");

    const events = await client.listEvents(run.id);
    const fromWorker = workerEvents(events);
    // Sequence numbers arrive complete, once each, from 1.
    expect(fromWorker.map((e) => e.seq)).toEqual(fromWorker.map((_, i) => i + 1));
    expect(fromWorker[0]?.type).toBe("RUN_START");
    expect(fromWorker.at(-1)?.type).toBe("RUN_SUCCESS");
    expect(events.find((e) => e.type === "RUN_STARTING")?.id).toBeLessThan(fromWorker[0]?.id ?? 0);

    // Dependency order: start before both branches, the join after both.
    const started = stepEvents(events, "STEP_START");
    const succeeded = stepEvents(events, "STEP_SUCCESS");
    expect(new Set(succeeded)).toEqual(new Set(["a", "b", "c", "d"]));
    const order = (key: string, type: string) => events.findIndex((e) => e.type === type && e.step_key === key);
    expect(order("a", "STEP_SUCCESS")).toBeLessThan(order("b", "STEP_START"));
    expect(order("a", "STEP_SUCCESS")).toBeLessThan(order("c", "STEP_START"));
    expect(order("d", "STEP_START")).toBeGreaterThan(Math.max(order("b", "STEP_SUCCESS"), order("c", "STEP_SUCCESS")));
    expect(started).toHaveLength(4);

    // Outputs flowed along the edges: b = 5 + 10, c = 5 × 2, and d multiplies what it received.
    const combineLog = events.find((e) => e.type === "LOG" && e.step_key === "d");
    expect(combineLog?.message).toContain("15 × 10 = 150");
    expect(run.started_at).not.toBeNull();
    expect(run.ended_at).not.toBeNull();
  });

  it("fails a run whose op throws, with the error and stack logged and downstream ops skipped", async () => {
    const { client } = stack.controlPlane;
    const run = await client.waitForRun((await client.submitRun({ location: "demo", job: "fails" })).id);
    expect(run.status).toBe("FAILURE");

    const events = await client.listEvents(run.id);
    const failure = events.find((e) => e.type === "STEP_FAILURE");
    expect(failure?.step_key).toBe("explode");
    const error = failure?.data?.error as { message?: string; stack?: string } | undefined;
    expect(error?.message).toContain("explode refuses to handle 1");
    // The stack points into the user's TypeScript, not the bundle.
    expect(error?.stack).toMatch(/location\.ts:\d+/);
    expect(stepEvents(events, "STEP_SKIPPED")).toEqual(["after"]);
    expect(events.at(-1)?.type).toBe("RUN_FAILURE");
  });

  it("terminates a sleeping run: CANCELED, and its run worker process is gone", async () => {
    const { client } = stack.controlPlane;
    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 60 } } } },
    });
    await client.waitForRun(submitted.id, { statuses: ["STARTED"] });
    const pid = runWorkerPid(path.join(stack.dir, "demo"), submitted.id);
    expect(pid).not.toBeNull();
    expect(isProcessAlive(pid ?? 0)).toBe(true);

    const canceling = await client.terminateRun(submitted.id);
    expect(["CANCELING", "CANCELED"]).toContain(canceling.status);
    const run = await client.waitForRun(submitted.id, { timeoutMs: 30_000 });
    expect(run.status).toBe("CANCELED");
    const events = await client.listEvents(run.id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["RUN_CANCELING", "RUN_CANCELED"]));
    await waitUntil(() => !isProcessAlive(pid ?? 0), 30_000, "the run worker process to exit");
  });
});
