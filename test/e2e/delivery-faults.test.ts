/**
 * Faults between run workers and the control plane, injected for real: every event batch
 * delivered twice, and the control plane stopped in the middle of a run until the run has ended
 * (with every batch still delivered twice: the replay from the spool must be idempotent too).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../protocol";
import { SPOOL_EVENTS_FILE } from "../../runner/events/spool";
import { runAttemptDir } from "../../runner/run-files";
import { type DuplicatingProxy, startDuplicatingProxy } from "../support/duplicating-proxy";
import { type E2EStack, startE2EStack, waitUntil } from "../support/e2e-stack";

function expectCompleteSequence(events: StoredEvent[]) {
  const seqs = events.filter((e) => e.seq !== null).map((e) => e.seq);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

// One stack for both faults: run workers are told to post their events to the proxy, which
// forwards each request twice to the control plane, wherever it listens now.
let stack: E2EStack | undefined;
let proxy: DuplicatingProxy;
beforeAll(async () => {
  proxy = await startDuplicatingProxy(() => stack?.controlPlane.url ?? "http://127.0.0.1:1");
  stack = await startE2EStack({ vars: { PUBLIC_URL: proxy.url } });
});
afterAll(async () => {
  await stack?.teardown();
  await proxy?.close();
});

describe("event delivery under faults", () => {
  it("stores each event once when every batch is delivered twice", async () => {
    const { client } = stackNow().controlPlane;
    const before = proxy.forwarded();
    const run = await client.waitForRun((await client.submitRun({ location: "demo", job: "diamond" })).id);
    expect(run.status).toBe("SUCCESS");
    expect(proxy.forwarded() - before).toBeGreaterThanOrEqual(2);
    const events = await client.listEvents(run.id);
    expectCompleteSequence(events);
    expect(events.filter((e) => e.type === "RUN_SUCCESS")).toHaveLength(1);
  });

  it("loses no event when the control plane is down from the middle of a run until after its end", async () => {
    const { controlPlane, dir } = stackNow();
    const { client } = controlPlane;

    const submitted = await client.submitRun({
      location: "demo",
      job: "sleepy",
      run_config: { ops: { nap: { config: { seconds: 6 } } } },
    });
    await client.waitForRun(submitted.id, { statuses: ["STARTED"] });

    await controlPlane.stop();
    // Down until the run worker has ended the run: its last events exist only in its spool.
    const spool = path.join(runAttemptDir(path.join(dir, "demo"), submitted.id, 1), SPOOL_EVENTS_FILE);
    await waitUntil(() => readFileSync(spool, "utf8").includes('"RUN_SUCCESS"'), 60_000, "the run to end in the spool");
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

function stackNow(): E2EStack {
  if (!stack) throw new Error("the stack did not start");
  return stack;
}
