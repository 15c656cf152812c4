/**
 * Faults between run workers and the control plane, injected for real: every event batch
 * delivered twice, and the control plane stopped for 10 s in the middle of a run.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../protocol";
import { type DuplicatingProxy, startDuplicatingProxy } from "../support/duplicating-proxy";
import { type E2EStack, startE2EStack } from "../support/e2e-stack";

function expectCompleteSequence(events: StoredEvent[]) {
  const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

describe("event delivery under faults", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("stores each event once when every batch is delivered twice", async () => {
    let stack: E2EStack | undefined;
    const proxy: DuplicatingProxy = await startDuplicatingProxy(() => stack?.controlPlane.url ?? "http://127.0.0.1:1");
    cleanups.push(proxy.close);
    // Run workers are told to post their events to the proxy, which forwards each request twice.
    stack = await startE2EStack({ vars: { PUBLIC_URL: proxy.url } });
    cleanups.push(stack.teardown);
    const { client } = stack.controlPlane;

    const run = await client.waitForRun((await client.submitRun({ location: "demo", job: "diamond" })).id);
    expect(run.status).toBe("SUCCESS");
    expect(proxy.forwarded()).toBeGreaterThanOrEqual(2);
    const events = await client.listEvents(run.id);
    expectCompleteSequence(events);
    expect(events.filter((e) => e.type === "RUN_SUCCESS")).toHaveLength(1);
  });

  it("loses no event when the control plane is down for 10 s in the middle of a run", async () => {
    const stack = await startE2EStack();
    cleanups.push(stack.teardown);
    const { controlPlane } = stack;
    const { client } = controlPlane;

    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 6 } } } },
    });
    await client.waitForRun(submitted.id, { statuses: ["STARTED"] });

    await controlPlane.stop();
    await new Promise((r) => setTimeout(r, 10_000));
    await controlPlane.start();

    const run = await client.waitForRun(submitted.id, { timeoutMs: 60_000 });
    expect(run.status).toBe("SUCCESS");
    const events = await client.listEvents(run.id);
    expectCompleteSequence(events);
    // The run kept logging while nobody listened; those lines arrived after the restart.
    const logs = events.filter((e) => e.type === "LOG" && e.step_key === "nap");
    expect(logs.length).toBeGreaterThanOrEqual(5);
    expect(events.at(-1)?.type).toBe("RUN_SUCCESS");
  });
});
