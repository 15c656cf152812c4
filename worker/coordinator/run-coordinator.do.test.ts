/**
 * The RunCoordinator Durable Object in workerd: its decisions through the real API and real RPC,
 * its alarm (re-sent launches, code location pauses, reconciliation with D1) and its SQLite storage, including an object
 * restart in the middle of a queue. Launches go to a fake code location that verifies signatures.
 */
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InstanceConfigOverrides, Run } from "../../protocol";
import { QueueReplySchema, RunReplySchema } from "../../protocol";
import { useCoordinatorClock } from "../test/coordinator-clock";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { interceptCodeLocations } from "../test/fake-code-location";
import { eventTypes, forceStatus, getRunReply, newFake, registerFake, submitGreet } from "../test/fixtures";
import { call, expectError, useCleanDatabase } from "../test/helpers";
import { saveOverrides } from "../test/run-coordinator-type";
import { coordinatorStub } from "./coordinator-stub";

useCleanDatabase();
const { manualClock } = useCoordinatorClock();

let fake: FakeCodeLocation;
let spy: ReturnType<typeof interceptCodeLocations>;
const stub = () => coordinatorStub(env);

beforeEach(async () => {
  fake = newFake();
  spy = interceptCodeLocations(fake);
  await registerFake(fake);
});
afterEach(async () => {
  await stub().settle();
  expect(fake.rejected).toEqual([]);
  spy.mockRestore();
});

async function configure(runCoordinator: NonNullable<InstanceConfigOverrides["run_coordinator"]>) {
  await saveOverrides({ run_coordinator: { type: "queued", ...runCoordinator } });
  await stub().configChanged();
}

async function submit(tags: Record<string, string> = {}): Promise<Run> {
  const run = await submitGreet({ tags });
  await stub().settle();
  return run;
}

const launchedIds = () => fake.launches.map((launch) => launch.run_id);

async function queue() {
  const res = await call("GET", "/api/queue");
  expect(res.status).toBe(200);
  return QueueReplySchema.parse(await res.json());
}

/**
 * The run worker of `runId` reports it finished, through the real events webhook, and this returns
 * once the coordinator has freed the run's slot: the webhook acks first and tells the coordinator
 * in the background (`waitUntil`), so the ack alone says nothing about the coordinator yet.
 */
async function finish(runId: string, location: FakeCodeLocation = fake) {
  const launch = location.launches.find((l) => l.run_id === runId);
  const res = await call("POST", `/api/runs/${runId}/events`, {
    token: launch?.run_token ?? "",
    body: {
      events: [
        { seq: 1, type: "RUN_START", ts: Date.now() },
        { seq: 2, type: "RUN_SUCCESS", ts: Date.now() },
      ],
    },
  });
  expect(res.status).toBe(200);
  await vi.waitFor(
    async () => expect((await stub().snapshot(0, 0)).inProgress.map((run) => run.id)).not.toContain(runId),
    { timeout: 20_000, interval: 20 },
  );
}

describe("admission", () => {
  it("queues every submit with RUN_ENQUEUED and launches at once while there is room", async () => {
    await configure({ max_concurrent_runs: 2 });
    const [a, b, c] = [await submit(), await submit(), await submit()];
    expect(a?.status).toBe("QUEUED");
    expect(launchedIds()).toEqual([a?.id, b?.id]);
    expect(await eventTypes(a?.id ?? "")).toEqual(["RUN_ENQUEUED", "RUN_DEQUEUED", "RUN_STARTING"]);
    expect((await getRunReply(c?.id ?? "")).status).toBe("QUEUED");
    const view = await queue();
    expect(view.queued).toHaveLength(1);
    expect(view.queued[0]).toMatchObject({
      run_id: c?.id,
      position: 1,
      wait: { reason: "max_concurrent_runs", limit: 2, in_use: 2 },
    });
    expect(view.limits.max_concurrent_runs).toEqual({ limit: 2, in_use: 2 });
  });

  it("launches the next run as soon as a run's worker reports its end", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit();
    expect(launchedIds()).toEqual([a.id]);
    await finish(a.id);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id, b.id]);
  });

  it("holds a run back by a full tag limit, says which runs hold it, and lets the runs behind it pass", async () => {
    await configure({ max_concurrent_runs: 10, tag_concurrency_limits: [{ key: "db", limit: 1 }] });
    const a = await submit({ db: "x" });
    const blocked = await submit({ db: "y" });
    const free = await submit({ team: "t" });
    expect(launchedIds()).toEqual([a.id, free.id]);
    const view = await queue();
    expect(view.queued[0]).toMatchObject({
      run_id: blocked.id,
      wait: { reason: "tag_limit", limits: [{ kind: "key", key: "db", limit: 1, in_use: 1, held_by: [a.id] }] },
    });
    expect(view.limits.tags).toEqual([{ kind: "key", key: "db", value: null, limit: 1, in_use: 1, held_by: [a.id] }]);
  });

  it("tag limits changed while runs wait: the queue is laned again and admits under the new limits", async () => {
    await configure({ max_concurrent_runs: 0 });
    const [x1, x2, y1, none] = [
      await submit({ db: "x" }),
      await submit({ db: "x" }),
      await submit({ db: "y" }),
      await submit(),
    ];
    await configure({ max_concurrent_runs: 10, tag_concurrency_limits: [{ key: "db", value: "x", limit: 1 }] });
    await stub().settle();
    expect(launchedIds()).toEqual([x1.id, y1.id, none.id]);
    // Now every db value counts against one limit: x1 and y1 fill it, x2 waits in its new lane.
    await configure({ max_concurrent_runs: 10, tag_concurrency_limits: [{ key: "db", limit: 2 }] });
    await stub().settle();
    expect(launchedIds()).toEqual([x1.id, y1.id, none.id]);
    await finish(x1.id);
    await stub().settle();
    expect(launchedIds()).toEqual([x1.id, y1.id, none.id, x2.id]);
  });

  it("a limit raised through PATCH /api/instance launches at once, and the change is audited", async () => {
    await configure({ max_concurrent_runs: 1 });
    await submit();
    const b = await submit();
    const res = await call("PATCH", "/api/instance", { body: { run_coordinator: { max_concurrent_runs: 2 } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      config: { run_coordinator: { max_concurrent_runs: 2, type: "queued" } },
      sources: { "run_coordinator.max_concurrent_runs": "override" },
      changes: [{ path: "run_coordinator.max_concurrent_runs", from: 1, to: 2 }],
    });
    await stub().settle();
    expect(launchedIds()).toContain(b.id);
    // (The submits and the registration before it have audit rows of their own.)
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE action LIKE 'instance.%'").all();
    expect(audit.results).toEqual([{ actor: "admin token", action: "instance.update" }]);
  });

  it("refuses an invalid limit and stores nothing", async () => {
    const count = () => env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    const before = await count();
    const res = await call("PATCH", "/api/instance", { body: { run_coordinator: { max_concurrent_runs: -2 } } });
    await expectError(res, 422, "validation_failed");
    expect(await count()).toEqual(before);
  });
});

describe("pause, priority and cancel", () => {
  it("paused: accepts and queues runs, launches none; resumed: launches them in order", async () => {
    await configure({ max_concurrent_runs: 10 });
    expect((await call("POST", "/api/queue/pause")).status).toBe(200);
    const runs = [await submit(), await submit(), await submit()];
    expect(fake.launches).toEqual([]);
    const view = await queue();
    expect(view.paused_by).toBe("operator");
    expect(view.queued.map((q) => q.wait)).toEqual(runs.map(() => ({ reason: "paused", paused_by: "operator" })));
    expect((await call("POST", "/api/queue/resume")).status).toBe(200);
    await stub().settle();
    expect(launchedIds()).toEqual(runs.map((r) => r.id));
  });

  it("moves a queued run to the front: it launches next", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit();
    const c = await submit();
    const res = await call("PATCH", `/api/runs/${c.id}`, { body: { move_to_front: true } });
    expect(res.status).toBe(200);
    expect(RunReplySchema.parse(await res.json()).run).toMatchObject({
      priority: 1,
      tags: { "flightdeck/priority": "1" },
    });
    expect((await queue()).queued.map((q) => q.run_id)).toEqual([c.id, b.id]);
    await stub().runsEnded([a.id]);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id, c.id]);
  });

  it("sets a priority; refuses a non-integer and a run that is not queued", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit();
    expect((await call("PATCH", `/api/runs/${b.id}`, { body: { priority: -3 } })).status).toBe(200);
    expect((await getRunReply(b.id)).priority).toBe(-3);
    await expectError(await call("PATCH", `/api/runs/${b.id}`, { body: { priority: 1.5 } }), 422, "validation_failed");
    await expectError(await call("PATCH", `/api/runs/${a.id}`, { body: { priority: 5 } }), 409, "invalid_transition");
    await expectError(await call("PATCH", "/api/runs/nope", { body: { priority: 5 } }), 404, "run_not_found");
  });

  it("cancels a queued run: removed from the queue, CANCELED, never launched", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit();
    const res = await call("POST", `/api/runs/${b.id}/terminate`);
    expect(RunReplySchema.parse(await res.json()).run.status).toBe("CANCELED");
    expect((await queue()).queued).toEqual([]);
    await stub().runsEnded([a.id]);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);
    expect(await eventTypes(b.id)).toEqual(["RUN_ENQUEUED", "RUN_CANCELED"]);
  });
});

describe("launch failures (Dagster's QueuedRunCoordinatorDaemon) and the alarm", () => {
  const engineMessages = async (runId: string) =>
    (
      await env.DB.prepare(
        "SELECT level, message FROM event_log WHERE run_id = ? AND type = 'ENGINE_EVENT' ORDER BY id",
      )
        .bind(runId)
        .all<{ level: string; message: string }>()
    ).results;

  it("fails a run at once when the server answered an error, whatever max_user_code_failure_retries; the slot goes on", async () => {
    await configure({ max_concurrent_runs: 1, max_user_code_failure_retries: 3 });
    fake.onLaunch = {
      status: 500,
      body: JSON.stringify({ error: { code: "internal_error", message: "no such job here" } }),
    };
    const a = await submit();
    expect((await getRunReply(a.id)).status).toBe("FAILURE");
    expect(await eventTypes(a.id)).toEqual(["RUN_ENQUEUED", "RUN_DEQUEUED", "RUN_STARTING", "ENGINE_EVENT"]);
    expect(await engineMessages(a.id)).toEqual([
      { level: "ERROR", message: expect.stringMatching(/^Run launch failed: .*500.*no such job here/) },
    ]);
    fake.onLaunch = "ok";
    const b = await submit();
    expect(launchedIds()).toEqual([b.id]);
    expect((await queue()).unreachable_locations).toEqual([]);
  });

  it("fails an unreachable launch at once with max_user_code_failure_retries 0, Dagster's default, pausing nothing", async () => {
    await configure({ max_concurrent_runs: 1 });
    fake.onLaunch = "network_error";
    const a = await submit();
    expect((await getRunReply(a.id)).status).toBe("FAILURE");
    expect((await engineMessages(a.id))[0]?.message).toMatch(
      /could not be reached.*max_user_code_failure_retries is 0/,
    );
    expect((await queue()).unreachable_locations).toEqual([]);
  });

  it("sends an unreachable launch back to the queue in its place, pauses its location, lets another location's run launch, and tries again when the pause ends", async () => {
    const clock = await manualClock();
    const other = newFake("https://other.flightdeck.test");
    spy.mockRestore();
    spy = interceptCodeLocations(fake, other);
    await registerFake(other, "other");
    await configure({ max_concurrent_runs: 1, max_user_code_failure_retries: 2, user_code_failure_retry_delay: 60 });
    fake.onLaunch = { status: 503, body: "" };
    const before = clock.now();
    const a = await submit();
    expect((await getRunReply(a.id)).status).toBe("QUEUED");
    expect(await eventTypes(a.id)).toEqual([
      "RUN_ENQUEUED",
      "RUN_DEQUEUED",
      "RUN_STARTING",
      "ENGINE_EVENT",
      "RUN_ENQUEUED",
    ]);
    expect((await engineMessages(a.id))[0]).toEqual({
      level: "WARNING",
      message: expect.stringMatching(/Could not reach the code location server of demo .*503.*\(2 retries remaining\)/),
    });
    const b = await submit();
    const view = await queue();
    expect(view.in_progress).toEqual([]);
    expect(view.queued.map((q) => q.run_id)).toEqual([a.id, b.id]);
    const [paused] = view.unreachable_locations;
    expect(paused).toMatchObject({ location: "demo", error: expect.stringContaining("503") });
    expect(paused?.since).toBeGreaterThanOrEqual(before);
    expect(paused?.next_try_at).toBe((paused?.since ?? 0) + 60_000);
    expect(view.queued[0]?.wait).toEqual({
      reason: "code_location_unreachable",
      location: "demo",
      since: paused?.since,
      next_try_at: paused?.next_try_at,
      error: paused?.error,
    });
    // The alarm is armed no later than the pause's end, when demo's runs are tried again.
    const alarm = await runInDurableObject(stub(), (_instance, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(paused?.next_try_at ?? 0);

    const elsewhere = await submitGreet({ location: "other" });
    await stub().settle();
    expect(other.launches.map((launch) => launch.run_id)).toEqual([elsewhere.id]);
    expect(fake.launches).toEqual([]);
    await finish(elsewhere.id, other);

    // The pause ends: the alarm tries demo's first run again, first in line; the server answers.
    fake.onLaunch = "ok";
    clock.advance(60_000);
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);
    expect((await queue()).unreachable_locations).toEqual([]);
    expect((await queue()).queued.map((q) => q.run_id)).toEqual([b.id]);
    expect(other.rejected).toEqual([]);
  });

  it("fails the run once its RUN_ENQUEUED events less one reach max_user_code_failure_retries", async () => {
    // A delay of 0: the location is never paused, so the retry follows at once.
    await configure({ max_concurrent_runs: 1, max_user_code_failure_retries: 1, user_code_failure_retry_delay: 0 });
    fake.onLaunch = "network_error";
    const a = await submit();
    expect((await getRunReply(a.id)).status).toBe("FAILURE");
    expect((await eventTypes(a.id)).filter((type) => type === "RUN_ENQUEUED")).toHaveLength(2);
    expect(await engineMessages(a.id)).toEqual([
      { level: "WARNING", message: expect.stringContaining("(1 retry remaining)") },
      { level: "ERROR", message: expect.stringMatching(/could not be reached in 2 attempts/) },
    ]);
  });

  it("re-sends a launch cut off by a restart, with the run token it was claimed with", async () => {
    await configure({ max_concurrent_runs: 1 });
    fake.onLaunch = "hang";
    const a = await submitGreet();
    expect((await getRunReply(a.id)).status).toBe("STARTING");
    await abortAllDurableObjects();
    fake.onLaunch = "ok";
    await runDurableObjectAlarm(stub());
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);
    // The token the re-sent launch carries is the one D1 knows: the run worker's events are accepted.
    await finish(a.id);
    expect((await getRunReply(a.id)).status).toBe("SUCCESS");
    expect((await queue()).in_progress).toEqual([]);
  });

  it("reconciles with D1: a run that ended without telling the coordinator frees its slot", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit();
    await forceStatus(a.id, "SUCCESS");
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id, b.id]);
  });

  it("never launches a run D1 no longer has QUEUED, even if the object is told to", async () => {
    await configure({ max_concurrent_runs: 5 });
    await call("POST", "/api/queue/pause");
    const a = await submit();
    await forceStatus(a.id, "CANCELED");
    await stub().enqueue({ id: a.id, tags: {}, enqueuedAt: 1, eventsUrl: "https://x.test/api/runs/a/events" });
    await call("POST", "/api/queue/resume");
    await stub().settle();
    expect(fake.launches).toEqual([]);
    expect((await queue()).in_progress).toEqual([]);
  });
});

describe("an object restart in the middle of a queue", () => {
  it("keeps the queue and the slots, relaunches nothing, and carries on in order", async () => {
    await configure({ max_concurrent_runs: 1 });
    const a = await submit();
    const b = await submit({ team: "x" });
    const c = await submit();
    await abortAllDurableObjects();

    const view = await queue();
    expect(view.queued.map((q) => q.run_id)).toEqual([b.id, c.id]);
    expect(view.in_progress.map((r) => r.run_id)).toEqual([a.id]);
    expect(view.queued[0]?.tags).toEqual({ team: "x", "flightdeck/user": "admin" });
    // The restarted object reconciles on its first alarm: a is still STARTING in D1, so it stays.
    await runDurableObjectAlarm(stub());
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);

    await finish(a.id);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id, b.id]);
    await abortAllDurableObjects();
    await stub().runsEnded([b.id]);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id, b.id, c.id]);
  });

  it("adopts a run QUEUED in D1 whose enqueue never reached the object", async () => {
    await configure({ max_concurrent_runs: 1 });
    await call("POST", "/api/queue/pause");
    const a = await submit();
    // The lost enqueue: the object's storage never got the run, D1 has it QUEUED.
    await runInDurableObject(stub(), (_instance, state) => {
      state.storage.sql.exec("DELETE FROM queued");
    });
    await abortAllDurableObjects();
    expect((await queue()).queued).toEqual([]);
    await call("POST", "/api/queue/resume");
    await runDurableObjectAlarm(stub());
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);
  });
});
