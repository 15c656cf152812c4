/**
 * The run queue end to end: `wrangler dev` with the RunCoordinator Durable Object, the demo code
 * location and real run workers, limits set through INSTANCE_CONFIG. Concurrency is checked from
 * the event log: a run holds a slot from its RUN_STARTING to its terminal event.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run, StoredEvent } from "../../protocol";
import { QueuePausedReplySchema, QueueReplySchema, RunReplySchema } from "../../protocol";
import { type E2EStack, startE2EStack } from "../support/e2e-stack";

const LANE_LIMIT = { key: "lane", value: "a", limit: 1 };

let stack: E2EStack;
beforeAll(async () => {
  stack = await startE2EStack({
    vars: {
      INSTANCE_CONFIG: JSON.stringify({
        run_coordinator: { type: "queued", max_concurrent_runs: 2, tag_concurrency_limits: [LANE_LIMIT] },
      }),
    },
  });
});
afterAll(async () => {
  await stack?.teardown();
});

const client = () => stack.controlPlane.client;
const sleepy = (tags: Record<string, string> = {}) =>
  client().submitRun({
    location: "demo",
    job: "sleepy",
    run_config: { ops: { nap: { config: { seconds: 1 } } } },
    tags,
  });

type Interval = { run: Run; start: number; end: number };

function intervalOf(run: Run, events: StoredEvent[]): Interval {
  const start = events.find((e) => e.type === "RUN_STARTING")?.ts;
  const end = events.find((e) => ["RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"].includes(e.type))?.ts;
  if (start === undefined || end === undefined) throw new Error(`run ${run.id} has no RUN_STARTING or end event`);
  return { run, start, end };
}

/** The most intervals (among `matching`) that hold a slot at any single instant. */
function peakConcurrency(intervals: Interval[]): number {
  return Math.max(0, ...intervals.map((i) => intervals.filter((o) => o.start <= i.start && i.start < o.end).length));
}

/** Event id of each run's RUN_DEQUEUED: the order the coordinator admitted them in. */
async function admissionOrder(runs: Run[]): Promise<string[]> {
  const admitted = await Promise.all(
    runs.map(async (run) => ({
      id: run.id,
      at: (await client().listEvents(run.id)).find((e) => e.type === "RUN_DEQUEUED")?.id ?? Number.POSITIVE_INFINITY,
    })),
  );
  return admitted.sort((a, b) => a.at - b.at).map((a) => a.id);
}

describe("the queued run coordinator with real run workers", () => {
  it("runs 20 sleepy runs within max_concurrent_runs 2 and a tag limit of 1, and finishes all", async () => {
    const submitted: Run[] = [];
    for (let i = 0; i < 20; i++) submitted.push(await sleepy(i % 2 === 0 ? { lane: "a" } : { lane: "b" }));
    expect(submitted.every((r) => r.status === "QUEUED")).toBe(true);
    const finished = await Promise.all(
      submitted.map((r) => client().waitForRun(r.id, { timeoutMs: 90_000, intervalMs: 250 })),
    );
    expect(finished.map((r) => r.status)).toEqual(submitted.map(() => "SUCCESS"));

    const intervals = await Promise.all(
      finished.map(async (run) => intervalOf(run, await client().listEvents(run.id))),
    );
    expect(peakConcurrency(intervals)).toBe(2);
    expect(peakConcurrency(intervals.filter((i) => i.run.tags.lane === "a"))).toBe(1);
  });

  it("paused: queues 5 runs and launches none; resumed: launches all 5 in submit order", async () => {
    const paused = await client().request("POST", "/api/queue/pause", QueuePausedReplySchema);
    expect(paused.paused).toBe(true);
    const runs: Run[] = [];
    for (let i = 0; i < 5; i++) runs.push(await client().submitRun({ location: "demo", job: "noop" }));
    await new Promise((r) => setTimeout(r, 1000));
    const queue = await client().request("GET", "/api/queue", QueueReplySchema);
    expect(queue.queued.map((q) => q.run_id)).toEqual(runs.map((r) => r.id));
    expect(queue.queued.every((q) => q.wait.reason === "paused")).toBe(true);
    for (const run of runs) expect((await client().getRun(run.id)).status).toBe("QUEUED");

    await client().request("POST", "/api/queue/resume", QueuePausedReplySchema);
    const done = await Promise.all(runs.map((r) => client().waitForRun(r.id, { timeoutMs: 60_000, intervalMs: 100 })));
    expect(done.map((r) => r.status)).toEqual(runs.map(() => "SUCCESS"));
    expect(await admissionOrder(runs)).toEqual(runs.map((r) => r.id));
  });

  it("a run moved to the front through the API launches next", async () => {
    await client().request("POST", "/api/queue/pause", QueuePausedReplySchema);
    const runs: Run[] = [];
    for (let i = 0; i < 4; i++) runs.push(await sleepy());
    const last = runs[3] as Run;
    const bumped = await client().request("PATCH", `/api/runs/${last.id}`, RunReplySchema, { move_to_front: true });
    expect(bumped.run.priority).toBe(1);
    await client().request("POST", "/api/queue/resume", QueuePausedReplySchema);
    await Promise.all(runs.map((r) => client().waitForRun(r.id, { timeoutMs: 60_000, intervalMs: 250 })));
    const order = await admissionOrder(runs);
    expect(order).toEqual([last.id, runs[0]?.id, runs[1]?.id, runs[2]?.id]);
  });
});
