/**
 * Schedules through the Worker's `scheduled()` and the API, in workerd with D1, against a fake
 * code location: one run per tick even when two invocations run the same minute at once, ticks
 * recorded with their runs or reasons, start and stop. (Dagster: test_scheduler_run.py —
 * test_simple_schedule, test_skip, test_bad_eval_fn, test_stopped_schedule.)
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ScheduleDefinition, ScheduleEvaluateReply } from "../../protocol";
import { ScheduleListSchema, ScheduleReplySchema, ScheduleTickListSchema } from "../../protocol";
import worker from "../index";
import { interceptCodeLocations, SAMPLE_DEFINITIONS } from "../test/fake-code-location";
import { newFake, registerFake } from "../test/fixtures";
import { call, useCleanDatabase } from "../test/helpers";

useCleanDatabase();

const MINUTE = 60_000;
const schedule = (overrides: Partial<ScheduleDefinition>): ScheduleDefinition => ({
  name: "every_minute",
  job: "noop",
  cron_schedule: "* * * * *",
  execution_timezone: "UTC",
  default_status: "RUNNING",
  description: null,
  ...overrides,
});

let evaluations: { name: string; scheduled_time: number }[];
let evaluateReply: ScheduleEvaluateReply | { status: number } | "refused";

async function setUp(schedules: ScheduleDefinition[]) {
  const fake = newFake();
  fake.definitions = { ...SAMPLE_DEFINITIONS, schedules };
  fake.onEvaluate = (_kind, name, body) => {
    evaluations.push({ name, scheduled_time: (body as { scheduled_time: number }).scheduled_time });
    // What workerd's fetch throws when nothing listens on the port.
    if (evaluateReply === "refused") throw new TypeError("Network connection lost.");
    if ("status" in evaluateReply) return new Response("boom", { status: evaluateReply.status });
    return Response.json(evaluateReply);
  };
  interceptCodeLocations(fake);
  await registerFake(fake);
  // As if the location loaded at T0: loading gives its default-RUNNING schedules their state, cursor
  // at the load (location-loaded.ts), so ticks up to T0 never run and T0 + MINUTE is the first.
  await env.DB.prepare("UPDATE schedule_state SET cursor = ?").bind(T0).run();
  return fake;
}

beforeEach(() => {
  evaluations = [];
  evaluateReply = { run_requests: [{}] };
});
afterEach(() => vi.restoreAllMocks());

async function tick(scheduledTime: number, schedules: object = {}): Promise<void> {
  const config = { run_coordinator: { type: "default" }, schedules };
  const daemonEnv = { ...env, INSTANCE_CONFIG: JSON.stringify(config), PUBLIC_URL: "https://flightdeck.test" };
  await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), daemonEnv);
}

async function ticks(name: string) {
  const res = await call("GET", `/api/schedules/${name}/ticks`);
  expect(res.status).toBe(200);
  return ScheduleTickListSchema.parse(await res.json()).ticks;
}

async function scheduledRuns(name: string) {
  const { results } = await env.DB.prepare(
    "SELECT r.id, r.job FROM runs r JOIN run_tags t ON t.run_id = r.id AND t.key = 'flightdeck/schedule' AND t.value = ?",
  )
    .bind(name)
    .all<{ id: string; job: string }>();
  return results;
}

/** A minute boundary a little ahead of the real clock (submits stamp runs with the real time). */
const T0 = Math.ceil(Date.now() / MINUTE) * MINUTE;

describe("schedules in scheduled()", () => {
  it("Dagster test_simple_schedule: one run per tick, even when two invocations run the same minute", async () => {
    await setUp([schedule({})]);
    await tick(T0); // the minute it loaded: nothing is due yet
    expect(await scheduledRuns("every_minute")).toHaveLength(0);

    await Promise.all([tick(T0 + MINUTE), tick(T0 + MINUTE)]);
    const runs = await scheduledRuns("every_minute");
    expect(runs).toHaveLength(1);
    const history = await ticks("every_minute");
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ scheduled_time: T0 + MINUTE, status: "SUCCESS", run_ids: [runs[0]?.id] });

    await Promise.all([tick(T0 + 2 * MINUTE), tick(T0 + 2 * MINUTE + 5000)]);
    expect(await scheduledRuns("every_minute")).toHaveLength(2);
  });

  it("after downtime runs only the latest missed tick and records the ones before it SKIPPED", async () => {
    await setUp([schedule({})]);
    await tick(T0);
    await tick(T0 + 10 * MINUTE + 30_000);
    expect(await scheduledRuns("every_minute")).toHaveLength(1);
    const history = await ticks("every_minute");
    expect(history.map((t) => t.status)).toEqual(["SUCCESS", "SKIPPED", "SKIPPED", "SKIPPED", "SKIPPED"]);
    expect(history[0]?.scheduled_time).toBe(T0 + 10 * MINUTE);
  });

  it("Dagster test_skip: an evaluated schedule that skips records the reason and launches nothing", async () => {
    await setUp([schedule({ evaluated: true })]);
    evaluateReply = { skip_reason: "nothing new upstream" };
    await tick(T0);
    await tick(T0 + MINUTE);
    expect(evaluations).toEqual([{ name: "every_minute", scheduled_time: T0 + MINUTE }]);
    expect((await ticks("every_minute"))[0]).toMatchObject({ status: "SKIPPED", skip_reason: "nothing new upstream" });
    expect(await scheduledRuns("every_minute")).toHaveLength(0);
  });

  it("Dagster test_bad_eval_fn: an evaluation error fails the tick and touches no other schedule", async () => {
    await setUp([schedule({ evaluated: true }), schedule({ name: "hourly_static", cron_schedule: "0 * * * *" })]);
    evaluateReply = { status: 500 };
    const hour = Math.ceil(T0 / (60 * MINUTE)) * 60 * MINUTE;
    await tick(hour - MINUTE);
    await tick(hour);
    const failed = await ticks("every_minute");
    expect(failed[0]?.status).toBe("FAILURE");
    expect(failed[0]?.error).toContain("500");
    expect(await scheduledRuns("hourly_static")).toHaveLength(1);
  });

  it("evaluated run requests with the same run_key launch once across ticks", async () => {
    await setUp([schedule({ evaluated: true })]);
    evaluateReply = { run_requests: [{ run_key: "2026-11-01", tags: { day: "2026-11-01" } }] };
    await tick(T0);
    await tick(T0 + MINUTE);
    await tick(T0 + 2 * MINUTE);
    expect(await scheduledRuns("every_minute")).toHaveLength(1);
    expect((await ticks("every_minute")).map((t) => t.status)).toEqual(["SKIPPED", "SUCCESS"]);
  });
});

describe("a tick evaluated again (Dagster: test_grpc_server_down, test_schedule_tick_retries)", () => {
  it("a tick that could not reach the code location is evaluated again until it can, on the same tick", async () => {
    await setUp([schedule({ evaluated: true })]);
    await tick(T0);
    evaluateReply = "refused";
    await tick(T0 + MINUTE);
    let [failed] = await ticks("every_minute");
    expect(failed).toMatchObject({ scheduled_time: T0 + MINUTE, status: "FAILURE", failure_count: 0 });
    expect(failed?.error).toMatch(/Schedule will resume execution once the server is available/);
    expect(failed?.error).toMatch(/could not be reached/);
    evaluateReply = { status: 503 };
    await tick(T0 + MINUTE + 20_000);
    [failed] = await ticks("every_minute");
    expect(failed).toMatchObject({ status: "FAILURE", failure_count: 0 });
    evaluateReply = { run_requests: [{}] };
    await tick(T0 + MINUTE + 40_000);
    expect(evaluations.map((e) => e.scheduled_time)).toEqual([T0 + MINUTE, T0 + MINUTE, T0 + MINUTE]);
    const history = await ticks("every_minute");
    expect(history).toHaveLength(1);
    const runs = await scheduledRuns("every_minute");
    expect(history[0]).toMatchObject({ status: "SUCCESS", run_ids: [runs[0]?.id] });
    expect(runs).toHaveLength(1);
  });

  it("another evaluation error is retried schedules.max_tick_retries times, then the tick stays FAILURE", async () => {
    await setUp([schedule({ evaluated: true })]);
    evaluateReply = { status: 500 };
    await tick(T0, { max_tick_retries: 1 });
    await tick(T0 + MINUTE, { max_tick_retries: 1 });
    await tick(T0 + MINUTE + 20_000, { max_tick_retries: 1 });
    await tick(T0 + MINUTE + 40_000, { max_tick_retries: 1 });
    expect(evaluations).toHaveLength(2);
    expect((await ticks("every_minute"))[0]).toMatchObject({ status: "FAILURE", failure_count: 2 });
  });

  it("a tick whose pass died between claiming it and submitting its run is finished by the next pass, once", async () => {
    await setUp([schedule({})]);
    await tick(T0);
    // A pass claimed the tick and its run key, moved the cursor, and died before the submit.
    const key = `${new Date(T0 + MINUTE).toISOString()}#0`;
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO schedule_ticks (location, name, scheduled_time, status, run_ids, started_at) VALUES ('demo', 'every_minute', ?, 'STARTED', '[]', ?)",
      ).bind(T0 + MINUTE, T0 + MINUTE),
      env.DB.prepare(
        "INSERT INTO run_keys (kind, location, name, run_key, run_id, created_at) VALUES ('SCHEDULE', 'demo', 'every_minute', ?, NULL, ?)",
      ).bind(key, T0 + MINUTE),
      env.DB.prepare("UPDATE schedule_state SET cursor = ? WHERE name = 'every_minute'").bind(T0 + MINUTE),
    ]);
    await tick(T0 + MINUTE + 10_000); // its pass may still be working: left alone
    expect(await scheduledRuns("every_minute")).toHaveLength(0);
    await Promise.all([tick(T0 + MINUTE + 50_000), tick(T0 + MINUTE + 50_000)]);
    const runs = await scheduledRuns("every_minute");
    expect(runs).toHaveLength(1);
    expect(await ticks("every_minute")).toMatchObject([{ status: "SUCCESS", run_ids: [runs[0]?.id] }]);
    // Evaluated again later (say its pass died after the submit): the same run, not a second one.
    await env.DB.prepare("UPDATE schedule_ticks SET status = 'STARTED', started_at = ? WHERE name = 'every_minute'")
      .bind(T0 + MINUTE)
      .run();
    await env.DB.prepare("UPDATE run_keys SET run_id = NULL").run();
    await tick(T0 + MINUTE + 55_000);
    expect(await scheduledRuns("every_minute")).toHaveLength(1);
    expect(await ticks("every_minute")).toMatchObject([{ status: "SUCCESS", run_ids: [runs[0]?.id] }]);
  });
});

describe("/api/schedules", () => {
  it("lists schedules with status, the cron in words and the next ticks in UTC", async () => {
    await setUp([schedule({ name: "weekdays", cron_schedule: "0 9 * * 1-5", execution_timezone: "Europe/Paris" })]);
    const res = await call("GET", "/api/schedules");
    const [listed] = ScheduleListSchema.parse(await res.json()).schedules;
    expect(listed).toMatchObject({
      location: "demo",
      name: "weekdays",
      status: "RUNNING",
      cron_description: "every weekday at 09:00",
    });
    expect(listed?.next_ticks).toHaveLength(5);
    for (const t of listed?.next_ticks ?? []) expect([7, 8]).toContain(new Date(t).getUTCHours());
  });

  it("Dagster test_stopped_schedule: a stopped schedule does not tick; started again, it begins from now", async () => {
    await setUp([schedule({})]);
    await tick(T0);
    const stopped = await call("POST", "/api/schedules/every_minute/stop");
    expect(ScheduleReplySchema.parse(await stopped.json()).schedule.status).toBe("STOPPED");
    await tick(T0 + MINUTE);
    expect(await scheduledRuns("every_minute")).toHaveLength(0);
    expect((await call("POST", "/api/schedules/every_minute/start")).status).toBe(200);
    await tick(T0 + 20 * MINUTE);
    expect(await scheduledRuns("every_minute")).toHaveLength(1);
  });

  it("answers 404 in the error envelope for an unknown schedule", async () => {
    await setUp([]);
    const res = await call("POST", "/api/schedules/nope/start");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("answers 409 naming both locations when two have the schedule, and ?location= picks one", async () => {
    const fake = await setUp([schedule({})]);
    await registerFake(fake, "other");
    const ambiguous = await call("POST", "/api/schedules/every_minute/stop");
    expect(ambiguous.status).toBe(409);
    const { error } = (await ambiguous.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("demo, other");
    const picked = await call("POST", "/api/schedules/every_minute/stop?location=other");
    expect(ScheduleReplySchema.parse(await picked.json()).schedule).toMatchObject({
      location: "other",
      status: "STOPPED",
    });
  });
});
