/**
 * The run queue end to end: `wrangler dev` with the RunCoordinator Durable Object, the demo code
 * location and real run workers, limits set through INSTANCE_CONFIG. Concurrency is checked from
 * the event log: a run holds a slot from its RUN_STARTING to its terminal event.
 *
 * Failed launches, for real: the demo code location server stopped and started again (its runs
 * go back to the queue and wait while it is unreachable; another location's runs go on), and a
 * second location, "relay", served through a proxy that can refuse launches or hold them in
 * flight while the control plane is killed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Run, StoredEvent } from "../../protocol";
import { QueuePausedReplySchema, QueueReplySchema, RunReplySchema } from "../../protocol";
import type { CodeLocationServer } from "../../scripts/lib/local-stack";
import { DEMO_LOCATION_FILE, type E2EStack, startCodeLocation, startE2EStack, waitUntil } from "../support/e2e-stack";
import { type LaunchGateProxy, startLaunchGateProxy } from "../support/launch-gate-proxy";

const LANE_LIMIT = { key: "lane", value: "a", limit: 1 };

let stack: E2EStack;
let other: CodeLocationServer;
let relay: LaunchGateProxy;
beforeAll(async () => {
  stack = await startE2EStack({
    vars: {
      INSTANCE_CONFIG: JSON.stringify({
        run_coordinator: {
          type: "queued",
          max_concurrent_runs: 2,
          tag_concurrency_limits: [LANE_LIMIT],
          // An unreachable server: back to the queue, its location's runs paused for 2 s.
          max_user_code_failure_retries: 100,
          user_code_failure_retry_delay: 2,
        },
      }),
    },
  });
  other = await startCodeLocation({ name: "relay", file: DEMO_LOCATION_FILE, dataDir: path.join(stack.dir, "relay") });
  relay = await startLaunchGateProxy(other.url);
  const registered = await stack.controlPlane.client.putCodeLocation({
    name: "relay",
    url: relay.url,
    secret: other.secret,
  });
  if (registered.status !== "LOADED") throw new Error(`relay location did not load: ${registered.load_error}`);
});
afterAll(async () => {
  await relay?.close();
  await other?.stop();
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
    // No wait needed: a submit replies after the coordinator's admission pass has decided on the
    // run, so each of them is already held by the pause, or launched.
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

describe("failed launches, Dagster's way", () => {
  const noop = (location: string) => client().submitRun({ location, job: "noop" });
  const queueView = () => client().request("GET", "/api/queue", QueueReplySchema);

  it("an unreachable code location: its run goes back to the queue, the location waits, others go on; restarted, the run launches", async () => {
    const demo = stack.location;
    await demo.stop();
    const stranded = await noop("demo");
    // The launch could not connect: the run is QUEUED again, its location shown as unreachable.
    await waitUntil(
      async () => (await queueView()).unreachable_locations.some((paused) => paused.location === "demo"),
      30_000,
      "demo shown as unreachable in GET /api/queue",
    );
    const view = await queueView();
    const paused = view.unreachable_locations.find((entry) => entry.location === "demo");
    expect(paused?.next_try_at).toBeGreaterThan(paused?.since ?? Number.POSITIVE_INFINITY);
    expect(paused?.error).toMatch(/could not be reached/);
    expect(view.in_progress.map((run) => run.run_id)).not.toContain(stranded.id);
    const waiting = view.queued.find((run) => run.run_id === stranded.id);
    if (waiting) expect(waiting.wait).toMatchObject({ reason: "code_location_unreachable", location: "demo" });

    // Another location's run is not held back.
    const elsewhere = await noop("relay");
    expect((await client().waitForRun(elsewhere.id, { timeoutMs: 60_000, intervalMs: 100 })).status).toBe("SUCCESS");

    // The server comes back where it was; the next try launches the run.
    stack.location = await startCodeLocation({
      name: "demo",
      file: DEMO_LOCATION_FILE,
      dataDir: path.join(stack.dir, "demo"),
      port: Number(new URL(demo.url).port),
      secret: demo.secret,
    });
    const done = await client().waitForRun(stranded.id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(done.status).toBe("SUCCESS");
    const events = await client().listEvents(stranded.id);
    expect(events.filter((e) => e.type === "RUN_ENQUEUED").length).toBeGreaterThanOrEqual(2);
    expect(events.find((e) => e.type === "ENGINE_EVENT" && e.level === "WARNING")?.message).toMatch(
      /Could not reach the code location server of demo .*back in the queue/,
    );
    expect((await queueView()).unreachable_locations).toEqual([]);
  });

  it("a launch the server answered with an error fails the run at once, whatever max_user_code_failure_retries", async () => {
    relay.setMode("error");
    try {
      const refused = await noop("relay");
      const done = await client().waitForRun(refused.id, { timeoutMs: 30_000, intervalMs: 100 });
      expect(done.status).toBe("FAILURE");
      const events = await client().listEvents(refused.id);
      expect(events.filter((e) => e.type === "RUN_ENQUEUED")).toHaveLength(1);
      expect(events.find((e) => e.type === "ENGINE_EVENT" && e.level === "ERROR")?.message).toMatch(
        /^Run launch failed: .*500.*the launch gate refused this launch/,
      );
    } finally {
      relay.setMode("pass");
    }
  });

  it("a launch in flight when the control plane dies is sent again on recovery, and runs once", async () => {
    relay.setMode("hold");
    const launchesBefore = relay.launches();
    const held = await noop("relay");
    await waitUntil(() => relay.launches() > launchesBefore, 30_000, "the launch request to reach the proxy");
    expect((await client().getRun(held.id)).status).toBe("STARTING");
    await stack.controlPlane.stop();
    relay.setMode("pass");
    await stack.controlPlane.start();
    // Any request wakes the coordinator, which re-sends the launch it had under way.
    await queueView();
    const done = await client().waitForRun(held.id, { timeoutMs: 60_000, intervalMs: 100 });
    expect(done.status).toBe("SUCCESS");
    const events = await client().listEvents(held.id);
    expect(events.filter((e) => e.type === "RUN_START")).toHaveLength(1);
    expect(events.filter((e) => e.type === "RUN_STARTING")).toHaveLength(1);
  });
});
