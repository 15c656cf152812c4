/**
 * The daemon through the Worker's own `scheduled()` handler, in workerd with D1, against a fake
 * code location server: run monitoring's decisions and run retries, with synthetic times, and two
 * invocations for the same minute running at once — each decision is taken exactly once.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Run, RunWorkerEvent, RunWorkerHealth } from "../../protocol";
import { RunListSchema } from "../../protocol";
import { DefaultRunCoordinator } from "../coordinator/default-run-coordinator";
import worker from "../index";
import { HttpRunLauncher } from "../launcher/http-run-launcher";
import { newRunId } from "../runs/run-id";
import { claimRetryDecision } from "../storage/daemon-runs-repo";
import { openDatabase } from "../storage/db";
import type { FakeCodeLocation } from "../test/fake-code-location";
import { eventTypes, forceStatus, getRunReply, newFake, registerFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

const S = 1000;
let fake: FakeCodeLocation;
/** What the fake server answers to `GET /runs/:id`; unset runs are "unknown". */
let health: Map<string, RunWorkerHealth>;

beforeEach(async () => {
  fake = newFake();
  health = new Map();
  const realFetch = globalThis.fetch;
  const origin = new URL(fake.url).origin;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== origin) return realFetch(input, init);
    const runPath = /^\/runs\/([^/]+)$/.exec(url.pathname);
    if (request.method === "GET" && runPath?.[1]) {
      const found = health.get(decodeURIComponent(runPath[1]));
      return Promise.resolve(Response.json(found ?? { state: "unknown", exit_code: null, signal: null }));
    }
    return fake.handle(request);
  });
  await registerFake(fake);
});
afterEach(() => vi.restoreAllMocks());

// Retries launch through the configured coordinator; the launch-at-once one keeps these tests
// about the daemon (the queued coordinator launches from its Durable Object, tested on its own).
function daemonEnv(instanceConfig: object = {}): Env {
  const config = { run_coordinator: { type: "default" }, ...instanceConfig };
  return { ...env, INSTANCE_CONFIG: JSON.stringify(config), PUBLIC_URL: "https://flightdeck.test" };
}

/** A run of the fake's `greet` job, launched at once (STARTING) by the default coordinator. */
async function submitGreet(extra: { tags?: Record<string, string> } = {}): Promise<Run> {
  const db = openDatabase(env.DB);
  const now = Date.now();
  const coordinator = new DefaultRunCoordinator({
    db,
    now: () => Date.now(),
    launcher: new HttpRunLauncher(db),
    eventsUrlFor: (id) => `https://flightdeck.test/api/runs/${id}/events`,
  });
  return coordinator.submit({
    id: crypto.randomUUID(),
    location: "demo",
    job: "greet",
    status: "NOT_STARTED",
    run_config: { ops: { greet: { config: { name: "Ada" } } } },
    tags: extra.tags ?? {},
    priority: 0,
    attempt: 1,
    parent_run_id: null,
    root_run_id: null,
    created_at: now,
    updated_at: now,
    started_at: null,
    ended_at: null,
    agent: null,
  });
}

/** Calls the Worker's scheduled() handler as the cron would, at `scheduledTime`. */
async function tick(scheduledTime: number, instanceConfig: object = {}): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: "* * * * *" });
  await worker.scheduled(controller, daemonEnv(instanceConfig));
}

async function startedRun(startedAt: number, tags: Record<string, string> = {}): Promise<{ run: Run; token: string }> {
  const run = await submitGreet({ tags });
  const token = fake.launches.find((l) => l.run_id === run.id)?.run_token;
  if (!token) throw new Error("not launched");
  const events: RunWorkerEvent[] = [{ seq: 1, type: "RUN_START", ts: startedAt }];
  const res = await call("POST", `/api/runs/${run.id}/events`, { token, body: { events } });
  expect(res.status).toBe(200);
  return { run: await getRunReply(run.id), token };
}

async function controlPlaneEvents(runId: string) {
  const { results } = await env.DB.prepare(
    "SELECT type, message, data FROM event_log WHERE run_id = ? AND seq IS NULL ORDER BY id",
  )
    .bind(runId)
    .all<{ type: string; message: string; data: string | null }>();
  return results;
}

async function runsOfRoot(rootId: string): Promise<Run[]> {
  const { results } = await env.DB.prepare("SELECT id FROM runs WHERE root_run_id = ? ORDER BY created_at")
    .bind(rootId)
    .all<{ id: string }>();
  return Promise.all(results.map((r) => getRunReply(r.id)));
}

describe("run monitoring in scheduled()", () => {
  it("fails a run STARTING past the start timeout once, with the reason, and asks its server to stop it", async () => {
    const run = await submitGreet();
    expect(run.status).toBe("STARTING");
    const later = run.updated_at + 181 * S;
    await Promise.all([tick(later), tick(later)]);

    const after = await getRunReply(run.id);
    expect(after.status).toBe("FAILURE");
    const events = await controlPlaneEvents(run.id);
    expect(events.filter((e) => e.type === "RUN_FAILURE")).toHaveLength(1);
    const decision = events.filter((e) => e.type === "ENGINE_EVENT" && e.message.startsWith("Run monitoring"));
    expect(decision).toHaveLength(1);
    expect(decision[0]?.message).toContain("180 seconds to start");
    expect(JSON.parse(decision[0]?.data ?? "{}")).toMatchObject({
      monitoring: "FAIL",
      failure_reason: "START_TIMEOUT",
    });
    expect(fake.terminates).toEqual([run.id]);
  });

  it("leaves a STARTING run within its start timeout alone", async () => {
    const run = await submitGreet();
    await tick(run.updated_at + 60 * S);
    expect((await getRunReply(run.id)).status).toBe("STARTING");
  });

  it("marks a run CANCELING past the cancel timeout CANCELED", async () => {
    const { run } = await startedRun(Date.now());
    await forceStatus(run.id, "CANCELING");
    const canceling = await getRunReply(run.id);
    expect(canceling.status).toBe("CANCELING");
    await Promise.all([tick(canceling.updated_at + 181 * S), tick(canceling.updated_at + 181 * S)]);
    expect((await getRunReply(run.id)).status).toBe("CANCELED");
    expect((await eventTypes(run.id)).filter((t) => t === "RUN_CANCELED")).toHaveLength(1);
  });

  it("fails a STARTED run whose run worker exited (health check) with RUN_WORKER_CRASHED", async () => {
    const startedAt = Date.now();
    const { run } = await startedRun(startedAt);
    health.set(run.id, { state: "exited", exit_code: null, signal: "SIGKILL" });
    await tick(startedAt + 15 * S);
    expect((await getRunReply(run.id)).status).toBe("STARTED"); // the run worker's last word is recent
    await tick(startedAt + 60 * S);
    const after = await getRunReply(run.id);
    expect(after.status).toBe("FAILURE");
    const events = await controlPlaneEvents(run.id);
    expect(events.find((e) => e.type === "RUN_FAILURE")?.message).toContain("killed by SIGKILL");
  });

  it("fails a STARTED run silent past the heartbeat timeout and asks its server to stop it", async () => {
    const startedAt = Date.now();
    const { run } = await startedRun(startedAt);
    await tick(startedAt + 100 * S);
    expect((await getRunReply(run.id)).status).toBe("STARTED");
    await tick(startedAt + 121 * S);
    expect((await getRunReply(run.id)).status).toBe("FAILURE");
    expect(fake.terminates).toEqual([run.id]);
  });

  it("cancels a run past its flightdeck/max_runtime, terminates it, then fails it (Dagster's check_run_timeout)", async () => {
    const run = await submitGreet({ tags: { "flightdeck/max_runtime": "30" } });
    const token = fake.launches.find((l) => l.run_id === run.id)?.run_token ?? "";
    const startedAt = Date.now();
    const beat = (seq: number, ts: number) =>
      call("POST", `/api/runs/${run.id}/events`, {
        token,
        body: { events: [{ seq, type: seq === 1 ? "RUN_START" : "HEARTBEAT", ts }] },
      });
    await beat(1, startedAt);
    await beat(2, startedAt + 25 * S);
    await tick(startedAt + 29 * S);
    expect((await getRunReply(run.id)).status).toBe("STARTED");
    await tick(startedAt + 31 * S);
    expect((await getRunReply(run.id)).status).toBe("FAILURE");
    expect(fake.terminates).toEqual([run.id]);
    const events = await controlPlaneEvents(run.id);
    // The CANCELING step is in the log, before the failure, as in Dagster.
    expect(events.filter((e) => e.type === "RUN_CANCELING" || e.type === "RUN_FAILURE")).toMatchObject([
      { type: "RUN_CANCELING", message: "Canceling due to exceeding maximum runtime of 30 seconds." },
      { type: "RUN_FAILURE", message: "Exceeded maximum runtime of 30 seconds." },
    ]);
    expect(JSON.parse(events.find((e) => e.type === "RUN_FAILURE")?.data ?? "{}")).toMatchObject({
      failure_reason: "MAX_RUNTIME",
    });
  });

  it("resumes a run whose worker died as its next attempt when max_resume_run_attempts allows", async () => {
    const startedAt = Date.now();
    const { run, token } = await startedRun(startedAt);
    const done: RunWorkerEvent[] = [{ seq: 2, type: "STEP_SUCCESS", ts: startedAt + S, step_key: "hello" }];
    expect((await call("POST", `/api/runs/${run.id}/events`, { token, body: { events: done } })).status).toBe(200);
    health.set(run.id, { state: "exited", exit_code: 1, signal: null });
    const config = { run_monitoring: { max_resume_run_attempts: 1 } };
    await Promise.all([tick(startedAt + 60 * S, config), tick(startedAt + 60 * S, config)]);
    const resumed = await getRunReply(run.id);
    expect({ status: resumed.status, attempt: resumed.attempt }).toEqual({ status: "STARTED", attempt: 2 });
    expect(fake.launches.filter((l) => l.run_id === run.id).map((l) => l.attempt)).toEqual([1, 2]);
    // Launched as a resume: the run worker skips the step the first attempt finished.
    expect(fake.launches.at(-1)).toMatchObject({ attempt: 2, resume: true, succeeded_step_keys: ["hello"] });
    expect(fake.launches[0]?.resume).toBeUndefined();
    // The second attempt dies too: no resumes left.
    await tick(startedAt + 200 * S, config);
    expect((await getRunReply(run.id)).status).toBe("FAILURE");
  });

  it("does nothing when run monitoring is disabled", async () => {
    const run = await submitGreet();
    await tick(run.updated_at + 1000 * S, { run_monitoring: { enabled: false } });
    expect((await getRunReply(run.id)).status).toBe("STARTING");
  });
});

describe("run retries in scheduled()", () => {
  const RETRIES = { run_retries: { enabled: true, max_retries: 1 } };

  it("retries a failed run exactly once when two invocations overlap, tagged as a retry", async () => {
    const { run, token } = await startedRun(Date.now());
    await call("POST", `/api/runs/${run.id}/events`, {
      token,
      body: { events: [{ seq: 2, type: "RUN_FAILURE", ts: Date.now() }] },
    });
    const now = Date.now() + 1 * S;
    await Promise.all([tick(now, RETRIES), tick(now, RETRIES)]);

    const chain = await runsOfRoot(run.id);
    expect(chain).toHaveLength(1);
    const retry = chain[0] as Run;
    expect(retry.parent_run_id).toBe(run.id);
    expect(retry.tags).toMatchObject({
      "flightdeck/retry_number": "1",
      "flightdeck/parent_run_id": run.id,
      "flightdeck/root_run_id": run.id,
      "flightdeck/retry_strategy": "FROM_FAILURE",
    });
    const decisions = (await controlPlaneEvents(run.id)).filter((e) => e.message.startsWith("Run retries"));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.message).toContain(retry.id);

    // The retry fails too: max_retries 1 is used up, so no second retry.
    await forceStatus(retry.id, "FAILURE");
    await Promise.all([tick(now + 60 * S, RETRIES), tick(now + 60 * S, RETRIES)]);
    expect(await runsOfRoot(run.id)).toHaveLength(1);
  });

  it("completes a retry decided by a pass that stopped before creating it, once, with the id the claim chose", async () => {
    const { run, token } = await startedRun(Date.now());
    await call("POST", `/api/runs/${run.id}/events`, {
      token,
      body: { events: [{ seq: 2, type: "RUN_FAILURE", ts: Date.now() }] },
    });
    // What a pass leaves when the Worker dies between its claim and the retry run: the claim only.
    const planned = newRunId(Date.now());
    const db = openDatabase(env.DB);
    expect(
      await claimRetryDecision(db, run.id, "RETRY", null, Date.now(), { "flightdeck/will_retry": "true" }, planned),
    ).toBe(true);
    expect(await runsOfRoot(run.id)).toHaveLength(0);

    const now = Date.now() + 1 * S;
    await Promise.all([tick(now, RETRIES), tick(now, RETRIES)]);
    const chain = await runsOfRoot(run.id);
    expect(chain.map((retry) => retry.id)).toEqual([planned]);
    expect(chain[0]?.tags).toMatchObject({ "flightdeck/retry_number": "1", "flightdeck/parent_run_id": run.id });
    const decisions = (await controlPlaneEvents(run.id)).filter((e) => e.message.startsWith("Run retries"));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.message).toContain("completing a retry decided by an earlier pass");

    await tick(now + 60 * S, RETRIES);
    expect(await runsOfRoot(run.id)).toHaveLength(1);
  });

  it("retries a crashed run worker but not a failed step when retry_on_asset_or_op_failure is false", async () => {
    const config = { run_retries: { enabled: true, max_retries: 1, retry_on_asset_or_op_failure: false } };
    const stepFailed = await startedRun(Date.now());
    await call("POST", `/api/runs/${stepFailed.run.id}/events`, {
      token: stepFailed.token,
      body: {
        events: [
          { seq: 2, type: "STEP_FAILURE", ts: Date.now(), step_key: "greet" },
          { seq: 3, type: "RUN_FAILURE", ts: Date.now() },
        ],
      },
    });
    const crashed = await startedRun(Date.now());
    await call("POST", `/api/runs/${crashed.run.id}/events`, {
      token: crashed.token,
      body: {
        events: [
          { seq: 2, type: "ENGINE_EVENT", ts: Date.now(), data: { failure_reason: "RUN_WORKER_CRASHED" } },
          { seq: 3, type: "RUN_FAILURE", ts: Date.now(), data: { failure_reason: "RUN_WORKER_CRASHED" } },
        ],
      },
    });
    await tick(Date.now() + S, config);
    expect(await runsOfRoot(stepFailed.run.id)).toHaveLength(0);
    const [retry] = await runsOfRoot(crashed.run.id);
    // The decision is on the failed runs as Dagster's tags; the retry inherits neither.
    expect((await getRunReply(stepFailed.run.id)).tags).toMatchObject({
      "flightdeck/will_retry": "false",
      "flightdeck/failure_reason": "STEP_FAILURE",
    });
    expect((await getRunReply(crashed.run.id)).tags).toMatchObject({
      "flightdeck/will_retry": "true",
      "flightdeck/failure_reason": "RUN_WORKER_CRASHED",
    });
    expect(retry?.tags).not.toHaveProperty("flightdeck/will_retry");
    expect(retry?.tags).not.toHaveProperty("flightdeck/failure_reason");
    const tagged = await call("GET", "/api/runs?tag=flightdeck/will_retry=true");
    expect(RunListSchema.parse(await tagged.json()).runs.map((r) => r.id)).toEqual([crashed.run.id]);
  });

  it("lets a run's flightdeck/retry_on_asset_or_op_failure tag override the instance", async () => {
    const config = { run_retries: { enabled: true, max_retries: 1, retry_on_asset_or_op_failure: false } };
    const stepFailed = await startedRun(Date.now(), { "flightdeck/retry_on_asset_or_op_failure": "true" });
    await call("POST", `/api/runs/${stepFailed.run.id}/events`, {
      token: stepFailed.token,
      body: {
        events: [
          { seq: 2, type: "STEP_FAILURE", ts: Date.now(), step_key: "greet" },
          { seq: 3, type: "RUN_FAILURE", ts: Date.now(), data: { failure_reason: "STEP_FAILURE" } },
        ],
      },
    });
    await tick(Date.now() + S, config);
    expect(await runsOfRoot(stepFailed.run.id)).toHaveLength(1);
  });

  it("retries nothing while run retries are disabled (the default)", async () => {
    const { run, token } = await startedRun(Date.now());
    await call("POST", `/api/runs/${run.id}/events`, {
      token,
      body: { events: [{ seq: 2, type: "RUN_FAILURE", ts: Date.now() }] },
    });
    await tick(Date.now() + S);
    expect(await runsOfRoot(run.id)).toHaveLength(0);
  });
});
