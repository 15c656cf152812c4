/**
 * The RunCoordinator Durable Object in workerd: its decisions through the real API and real RPC,
 * its alarm (launch retries, reconciliation with D1) and its SQLite storage, including an object
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

/** The run worker of `runId` reports it finished, through the real events webhook. */
async function finish(runId: string) {
  const launch = fake.launches.find((l) => l.run_id === runId);
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
    await vi.waitFor(async () => {
      await stub().settle();
      expect(launchedIds()).toEqual([a.id, b.id]);
    });
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

describe("launch failures and the alarm", () => {
  it("schedules a failed launch's retry after the delay: the run keeps its slot, STARTING, until then", async () => {
    const clock = await manualClock();
    await configure({ max_concurrent_runs: 1, launch_retries: { max_retries: 1, delay_seconds: 60 } });
    fake.onLaunch = { status: 503, body: "busy" };
    const before = clock.now();
    const a = await submit();
    const b = await submit();
    expect((await getRunReply(a.id)).status).toBe("STARTING");
    expect((await getRunReply(b.id)).status).toBe("QUEUED");
    const held = (await stub().snapshot(0, 10)).inProgress;
    expect(held).toMatchObject([{ id: a.id, state: "retry_wait", attempt: 2 }]);
    expect(held[0]?.retryAt).toBeGreaterThanOrEqual(before + 60_000);
    // The one alarm is armed (for reconciliation first, then the retry).
    expect(await runInDurableObject(stub(), (_instance, state) => state.storage.getAlarm())).not.toBeNull();
    // An alarm before the retry is due (a reconciliation) does not retry early.
    await runDurableObjectAlarm(stub());
    await stub().settle();
    expect((await getRunReply(a.id)).status).toBe("STARTING");
    const messages = await env.DB.prepare("SELECT message FROM event_log WHERE run_id = ? AND type = 'ENGINE_EVENT'")
      .bind(a.id)
      .all<{ message: string }>();
    expect(messages.results.map((r) => r.message)).toEqual([
      expect.stringMatching(/Launch attempt 1 failed: .*503.*Retrying in 60 s/),
    ]);
  });

  it("out of retries: FAILURE with the reason in the event log, and the slot goes to the next run", async () => {
    await manualClock();
    await configure({ max_concurrent_runs: 1, launch_retries: { max_retries: 1, delay_seconds: 0 } });
    fake.onLaunch = { status: 503, body: "busy" };
    const a = await submit();
    const b = await submit();
    // delay 0: the retry is due at once; run the alarm armed for it, as workerd would.
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await stub().settle();
    expect((await getRunReply(a.id)).status).toBe("FAILURE");
    expect((await getRunReply(b.id)).status).not.toBe("QUEUED");
    const failure = await env.DB.prepare(
      "SELECT message FROM event_log WHERE run_id = ? AND type = 'ENGINE_EVENT' ORDER BY id",
    )
      .bind(a.id)
      .all<{ message: string }>();
    expect(failure.results.map((r) => r.message)).toEqual([
      expect.stringContaining("Launch attempt 1 failed"),
      expect.stringMatching(/Run launch failed after 2 attempts: .*503/),
    ]);
  });

  it("a retried launch that succeeds keeps the run and its slot", async () => {
    await manualClock();
    await configure({ max_concurrent_runs: 1, launch_retries: { max_retries: 2, delay_seconds: 0 } });
    fake.onLaunch = "network_error";
    const a = await submit();
    fake.onLaunch = "ok";
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await stub().settle();
    expect(launchedIds()).toEqual([a.id]);
    expect((await getRunReply(a.id)).status).toBe("STARTING");
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
    await vi.waitFor(async () => {
      await stub().settle();
      expect(launchedIds()).toEqual([a.id, b.id]);
    });
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
